package io.toutiao.examples.spring;

import io.toutiao.auth.TokenPair;
import io.toutiao.auth.TokenService;
import io.toutiao.search.ArticleSearch;
import io.toutiao.storage.ImageUploadService;
import io.toutiao.storage.InvalidImageException;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** The reference's endpoints this example serves, each in the reference's answer shape. */
@RestController
public class Api {

  private static final Pattern MOBILE = Pattern.compile("1[3-9]\\d{9}");

  /** The SMS code the example accepts (the reference sends one by SMS). */
  static final String DEMO_CODE = "246810";

  private final Users users;
  private final TokenService tokens;
  private final ImageUploadService uploads;
  private final ObjectProvider<ArticleSearch> search;

  Api(
      Users users,
      TokenService tokens,
      ImageUploadService uploads,
      ObjectProvider<ArticleSearch> search) {
    this.users = users;
    this.tokens = tokens;
    this.uploads = uploads;
    this.search = search;
  }

  /**
   * Login with a mobile number and its SMS code: the reference's token pair.
   *
   * @param body {@code mobile}, {@code code}
   * @return 201 with {@code token} and {@code refresh_token}
   */
  @PostMapping("/v1_0/authorizations")
  ResponseEntity<Map<String, Object>> login(@RequestBody Map<String, String> body) {
    String mobile = String.valueOf(body.get("mobile"));
    if (!MOBILE.matcher(mobile).matches() || !DEMO_CODE.equals(body.get("code"))) {
      return ResponseEntity.badRequest().body(Map.of("message", "Invalid mobile or code."));
    }
    TokenPair pair = tokens.issue(users.userFor(mobile));
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            Map.of(
                "message",
                "OK",
                "data",
                Map.of("token", pair.accessToken(), "refresh_token", pair.refreshToken())));
  }

  /**
   * Anyone's profile, through the two-level cache.
   *
   * @param id the user
   * @return 200, or 404
   */
  @GetMapping("/v1_0/users/{id}")
  ResponseEntity<Map<String, Object>> user(@PathVariable long id) {
    UserProfile profile = users.profile(id);
    return profile == null
        ? ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("message", "User not found."))
        : ResponseEntity.ok(Map.of("message", "OK", "data", profile));
  }

  /**
   * The signed-in user's profile (a valid access token needed).
   *
   * @param userId from the token
   * @return 200
   */
  @GetMapping("/v1_0/user")
  Map<String, Object> me(@AuthenticationPrincipal Long userId) {
    return Map.of("message", "OK", "data", users.profile(userId));
  }

  /**
   * A new photo, checked by content, stored, then the profile evicted on every node.
   *
   * @param userId from the token
   * @param photo the image
   * @return 201 with the photo's URL
   * @throws IOException when the upload cannot be read
   */
  @PatchMapping("/v1_0/user/photo")
  ResponseEntity<Map<String, Object>> photo(
      @AuthenticationPrincipal Long userId, @RequestParam("photo") MultipartFile photo)
      throws IOException {
    ImageUploadService.UploadedImage image = uploads.upload(photo.getBytes());
    UserProfile profile = users.profile(userId);
    users.save(new UserProfile(userId, profile.name(), image.url()));
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("message", "OK", "data", Map.of("id", userId, "photo", image.url())));
  }

  /**
   * Approved articles matching a text, with highlights (when search is on).
   *
   * @param q the text
   * @return 200, or 503 when search is off
   */
  @GetMapping("/v1_0/search")
  ResponseEntity<Map<String, Object>> search(@RequestParam String q) {
    ArticleSearch articles = search.getIfAvailable();
    if (articles == null) {
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(Map.of("message", "Search is off (toutiao.search.enabled=false)."));
    }
    ArticleSearch.Page page = articles.search(q, 1, 10);
    return ResponseEntity.ok(
        Map.of(
            "message",
            "OK",
            "data",
            Map.of("total_count", page.total(), "results", page.results())));
  }

  @ExceptionHandler(InvalidImageException.class)
  ResponseEntity<Map<String, Object>> invalidImage(InvalidImageException e) {
    return ResponseEntity.badRequest()
        .body(Map.of("message", "Invalid image.", "reason", String.valueOf(e.reason())));
  }
}
