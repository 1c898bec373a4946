// Connects to a push node with the token in the auth payload, prints each event as one JSON
// line, acknowledges it, and exits after the given number of events.
//   node client.mjs <url> <token> <events> [auth|query] [transports, e.g. polling,websocket]
import { io } from "socket.io-client";

const [url, token, wanted, mode = "auth", transports = "websocket"] = process.argv.slice(2);
let seen = 0;
const options = { transports: transports.split(","), reconnection: false };
if (mode === "query") {
  options.query = { token };
} else {
  options.auth = { token };
}
const socket = io(url, options);
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

socket.on("connect", () => print({ type: "connected" }));
socket.on("connect_error", (err) => {
  print({ type: "connect_error", message: err.message });
  process.exit(2);
});
socket.on("push error", (error) => print({ type: "push_error", error }));
socket.onAny((event, ...args) => {
  if (event === "push error") return;
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  const [data, id] = args;
  print({ type: "event", event, id, data });
  if (ack) ack();
  seen += 1;
  if (seen >= Number(wanted)) {
    // let the acknowledgement leave before closing
    setTimeout(() => {
      socket.close();
      process.exit(0);
    }, 200);
  }
});
setTimeout(() => {
  print({ type: "timeout" });
  process.exit(3);
}, 30000);
