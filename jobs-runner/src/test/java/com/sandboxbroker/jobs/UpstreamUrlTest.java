package com.sandboxbroker.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sandboxbroker.core.contract.JobName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Upstream base URLs carry the CSP token and the NIOSXaaS credentials: plain http to anything but
 * this machine is invalid configuration (exit 2), named in the report. Before the fix both were
 * accepted and the runner sent the token in clear text.
 */
class UpstreamUrlTest {
  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("TABLE_NAME", "t");
    env.put("AWS_REGION", "us-east-1");
    env.put("CSP_API_TOKEN", "csp-secret-token-0123");
    return env;
  }

  private static String[] run(Map<String, String> env, String job) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        JobsRunner.run(
            new String[] {job},
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.systemUTC());
    return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8)};
  }

  @Test
  void aPlainHttpCspUrlIsInvalidConfiguration() {
    Map<String, String> env = env();
    env.put("CSP_BASE_URL", "http://csp.infoblox.com/v2");
    String[] r = run(env, "sync");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1])
        .contains("CSP_BASE_URL must be an https:// URL")
        .doesNotContain("csp-secret-token");
  }

  @Test
  void aPlainHttpNiosXaasUrlIsInvalidConfiguration() {
    Map<String, String> env = env();
    env.put("CSP_BASE_URL", "https://csp.infoblox.com/v2");
    env.put("NIOSXAAS_ENABLED", "true");
    env.put("NIOSXAAS_BASE_URL", "http://csp.infoblox.com");
    env.put("NIOSXAAS_EMAIL", "svc@example.com");
    env.put("NIOSXAAS_PASSWORD", "pw-secret");
    String[] r = run(env, "cleanup");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1])
        .contains("NIOSXAAS_BASE_URL must be an https:// URL")
        .doesNotContain("pw-secret");
  }

  @Test
  void httpsAndLoopbackHttpAreAccepted() {
    Map<String, String> env = env();
    env.put("CSP_BASE_URL", "https://csp.infoblox.com/v2");
    env.put("NIOSXAAS_ENABLED", "true");
    env.put("NIOSXAAS_BASE_URL", "http://127.0.0.1:8443");
    env.put("NIOSXAAS_EMAIL", "svc@example.com");
    env.put("NIOSXAAS_PASSWORD", "pw-secret");
    RunnerSettings settings = RunnerSettings.from(JobName.CLEANUP, env);
    assertThat(settings.csp().orElseThrow().baseUrl().toString())
        .isEqualTo("https://csp.infoblox.com/v2");
    assertThat(settings.niosXaas().orElseThrow().baseUrl().toString())
        .isEqualTo("http://127.0.0.1:8443");
    env.put("CSP_BASE_URL", "http://localhost:9/v2");
    assertThat(RunnerSettings.from(JobName.SYNC, env).csp()).isPresent();
  }
}
