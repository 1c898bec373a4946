package io.toutiao.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code toutiao.ids.*}: the Snowflake id generator. */
@ConfigurationProperties(prefix = "toutiao.ids")
public class IdProperties {

  /** Where the worker id comes from. */
  public enum Source {
    /** {@code worker-id} when set, else the Redis lease when Redis is configured. */
    AUTO,
    /** The {@code worker-id} property. */
    FIXED,
    /** The variable named by {@code environment-variable} (system property or environment). */
    ENVIRONMENT,
    /** The ordinal ending the host name of a Kubernetes StatefulSet pod ({@code feed-3}: 3). */
    STATEFULSET,
    /** A lease in Redis, renewed in the background; ids stop when it is lost. */
    REDIS
  }

  /** Whether to create the generator. */
  private boolean enabled = true;

  /** Where the worker id comes from. */
  private Source workerIdSource = Source.AUTO;

  /** The worker id, for the FIXED source (0-31 with the reference layout). */
  private Long workerId;

  /** The datacenter id (0-31 with the reference layout). */
  private long datacenterId;

  /** The variable holding the worker id, for the ENVIRONMENT source. */
  private String environmentVariable = "WORKER_ID";

  /** How long a Redis worker-id lease lives without renewal. */
  private Duration leaseTtl = Duration.ofSeconds(30);

  /** Creates the defaults. */
  public IdProperties() {}

  /**
   * @return whether to create the generator
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether to create the generator
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * @return the source
   */
  public Source getWorkerIdSource() {
    return workerIdSource;
  }

  /**
   * @param workerIdSource the source
   */
  public void setWorkerIdSource(Source workerIdSource) {
    this.workerIdSource = workerIdSource;
  }

  /**
   * @return the worker id, or null
   */
  public Long getWorkerId() {
    return workerId;
  }

  /**
   * @param workerId the worker id
   */
  public void setWorkerId(Long workerId) {
    this.workerId = workerId;
  }

  /**
   * @return the datacenter id
   */
  public long getDatacenterId() {
    return datacenterId;
  }

  /**
   * @param datacenterId the datacenter id
   */
  public void setDatacenterId(long datacenterId) {
    this.datacenterId = datacenterId;
  }

  /**
   * @return the variable name
   */
  public String getEnvironmentVariable() {
    return environmentVariable;
  }

  /**
   * @param environmentVariable the variable name
   */
  public void setEnvironmentVariable(String environmentVariable) {
    this.environmentVariable = environmentVariable;
  }

  /**
   * @return the lease TTL
   */
  public Duration getLeaseTtl() {
    return leaseTtl;
  }

  /**
   * @param leaseTtl the lease TTL
   */
  public void setLeaseTtl(Duration leaseTtl) {
    this.leaseTtl = leaseTtl;
  }
}
