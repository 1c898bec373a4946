package io.toutiao.storage.qiniu;

import io.toutiao.storage.StorageException;

/** Qiniu refused a request; {@link #status()} is its code (e.g. 401, 413, 614, 631). */
public class QiniuStorageException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String requestId;

  /**
   * Creates the exception.
   *
   * @param status Qiniu's status code
   * @param requestId Qiniu's X-Reqid, or null
   * @param message what was refused
   * @param cause the SDK's exception, or null
   */
  public QiniuStorageException(int status, String requestId, String message, Throwable cause) {
    super(
        message
            + " (Qiniu status "
            + status
            + (requestId == null ? "" : ", reqid " + requestId)
            + ")",
        cause);
    this.status = status;
    this.requestId = requestId;
  }

  /**
   * Returns Qiniu's status code.
   *
   * @return the code
   */
  public int status() {
    return status;
  }

  /**
   * Returns Qiniu's request id, for support tickets.
   *
   * @return the X-Reqid, or null
   */
  public String requestId() {
    return requestId;
  }

  /** 401/403: the keys or the upload token are wrong, expired or not allowed. */
  public static final class AuthFailed extends QiniuStorageException {
    private static final long serialVersionUID = 1L;

    AuthFailed(int status, String requestId, String message, Throwable cause) {
      super(status, requestId, message, cause);
    }
  }

  /** 413: the object exceeds the put policy's size limit. */
  public static final class TooLarge extends QiniuStorageException {
    private static final long serialVersionUID = 1L;

    TooLarge(int status, String requestId, String message, Throwable cause) {
      super(status, requestId, message, cause);
    }
  }

  /** 614: the key exists and the put policy is insert-only. */
  public static final class ObjectExists extends QiniuStorageException {
    private static final long serialVersionUID = 1L;

    ObjectExists(int status, String requestId, String message, Throwable cause) {
      super(status, requestId, message, cause);
    }
  }

  /** 631: the bucket does not exist. */
  public static final class BucketNotFound extends QiniuStorageException {
    private static final long serialVersionUID = 1L;

    BucketNotFound(int status, String requestId, String message, Throwable cause) {
      super(status, requestId, message, cause);
    }
  }

  /** 579: the upload succeeded but the callback to the host failed. */
  public static final class CallbackFailed extends QiniuStorageException {
    private static final long serialVersionUID = 1L;

    CallbackFailed(int status, String requestId, String message, Throwable cause) {
      super(status, requestId, message, cause);
    }
  }
}
