package com.sandboxbroker.cdk;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands of the runbook pages, as on-call would paste them: every line of a {@code
 * bash} block (a trailing backslash continues it) and every inline code span that starts with
 * {@code aws }, cut into simple commands (pipelines, {@code &&}, {@code ;} and {@code $(…)} command
 * substitutions are separated). The rules each method checks return one readable violation per
 * line, like {@link RunbookAudit}'s:
 *
 * <ul>
 *   <li>every tool a command runs is a shell builtin or a documented prerequisite (the index page's
 *       "Prerequisites" section), and no flag is one that only GNU's or only BSD's tool knows
 *       (on-call may be on macOS);
 *   <li>{@code aws ecs execute-command} only where ECS Exec is enabled on the service;
 *   <li>every {@code aws <service> <operation>} names an operation that exists: the AWS SDK for
 *       Java's client interface for the service has one method per API operation ({@code aws
 *       dynamodb update-item} → {@code DynamoDbClient#updateItem}), so a CLI-only customization
 *       ({@code aws logs tail}) or a misspelt operation has no method.
 * </ul>
 */
final class RunbookCommands {
  /** CLI service name → the SDK's synchronous client interface (test-scoped SDK modules). */
  static final Map<String, String> SDK_CLIENTS =
      Map.ofEntries(
          Map.entry("sts", "software.amazon.awssdk.services.sts.StsClient"),
          Map.entry(
              "cloudformation",
              "software.amazon.awssdk.services.cloudformation.CloudFormationClient"),
          Map.entry(
              "secretsmanager",
              "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient"),
          Map.entry("logs", "software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient"),
          Map.entry("cloudwatch", "software.amazon.awssdk.services.cloudwatch.CloudWatchClient"),
          Map.entry("stepfunctions", "software.amazon.awssdk.services.sfn.SfnClient"),
          Map.entry("dynamodb", "software.amazon.awssdk.services.dynamodb.DynamoDbClient"),
          Map.entry("ecs", "software.amazon.awssdk.services.ecs.EcsClient"),
          Map.entry(
              "elbv2",
              "software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client"),
          Map.entry(
              "application-autoscaling",
              "software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient"),
          Map.entry("scheduler", "software.amazon.awssdk.services.scheduler.SchedulerClient"),
          Map.entry("sns", "software.amazon.awssdk.services.sns.SnsClient"),
          Map.entry("events", "software.amazon.awssdk.services.eventbridge.EventBridgeClient"),
          Map.entry("sqs", "software.amazon.awssdk.services.sqs.SqsClient"));

  /**
   * CLI service name → the AWS SDK for JavaScript v3 client package, for the services whose Java
   * client module no registry here serves (pipes, application-autoscaling: no version resolves from
   * Maven Central's mirror). That SDK has one {@code <Operation>Command} per API operation, in
   * {@code dist-types/commands/}; the packages are dev dependencies of cdk-app's package.json.
   */
  static final Map<String, String> JS_CLIENTS =
      Map.of(
          "pipes", "@aws-sdk/client-pipes",
          "application-autoscaling", "@aws-sdk/client-application-auto-scaling");

  /**
   * Where cdk-app's npm dependencies are installed (the build runs {@code npm ci} before the
   * tests).
   */
  static final Path NODE_MODULES = SynthesizedBroker.MODULE_DIR.resolve("node_modules");

  /** Shell syntax and builtins: never a missing tool. */
  static final Set<String> SHELL =
      Set.of(
          "export", "for", "do", "done", "in", "if", "then", "else", "elif", "fi", "while", "until",
          "echo", "printf", "read", "cd", "set", "unset", "test", "[", "true", "false", "{", "}",
          "!");

  /** Flags only one flavour of a POSIX tool knows: GNU date/sed/grep/readlink/stat/base64/xargs. */
  static final Map<Pattern, String> NON_PORTABLE =
      Map.of(
          Pattern.compile("^date\\b.*\\s(-d|--date)\\b"),
              "GNU-only `date -d` (BSD/macOS date has no -d): use $(date +%s) arithmetic",
          Pattern.compile("^date\\b.*\\s-v\\b"), "BSD-only `date -v`",
          Pattern.compile("^sed\\b.*\\s-i\\b"), "`sed -i` differs between GNU and BSD sed",
          Pattern.compile("^grep\\b.*\\s-[a-zA-Z]*P"), "GNU-only `grep -P`",
          Pattern.compile("^readlink\\b.*\\s-f\\b"), "`readlink -f` is not on older macOS",
          Pattern.compile("^stat\\b.*\\s-c\\b"), "GNU-only `stat -c`",
          Pattern.compile("^base64\\b.*\\s-w\\b"), "GNU-only `base64 -w`",
          Pattern.compile("^xargs\\b.*\\s-r\\b"), "GNU-only `xargs -r`");

  private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Za-z][^<>|]*>");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```bash\\n(.*?)^```");
  private static final Pattern INLINE_AWS = Pattern.compile("`(aws [^`]+)`");
  private static final Pattern INLINE_CODE = Pattern.compile("`([^`\\s]+)`");

  /** One simple command of a page. */
  record Command(String page, String text, List<String> words) {
    String tool() {
      return words.isEmpty() ? "" : words.get(0);
    }

    @Override
    public String toString() {
      return page + ": " + text;
    }
  }

  private RunbookCommands() {}

  /** The tools the index page's "## Prerequisites" section names (each in backticks). */
  static Set<String> prerequisites(String indexPage) {
    Matcher section =
        Pattern.compile("(?ms)^## Prerequisites\\s*$(.*?)(?=^## |\\z)").matcher(indexPage);
    Set<String> tools = new TreeSet<>();
    if (section.find()) {
      Matcher code = INLINE_CODE.matcher(section.group(1));
      while (code.find()) {
        tools.add(code.group(1));
      }
    }
    return tools;
  }

  static List<Command> commands(String page, String text) {
    List<Command> commands = new ArrayList<>();
    Matcher block = FENCE.matcher(text);
    StringBuilder outside = new StringBuilder(text);
    while (block.find()) {
      for (String line : block.group(1).replace("\\\n", " ").lines().toList()) {
        String code = stripComment(line).trim();
        if (!code.isEmpty()) {
          split(page, code, commands);
        }
      }
    }
    // inline `aws …` spans in prose and tables outside the blocks
    String prose = FENCE.matcher(outside).replaceAll("");
    Matcher inline = INLINE_AWS.matcher(prose);
    while (inline.find()) {
      split(page, inline.group(1).replace("\\|", "|"), commands);
    }
    return commands;
  }

  /**
   * Tools that are neither shell syntax, documented prerequisites nor a script of the repository
   * ({@code repoScript} says whether a path is one), and non-portable flags.
   */
  static List<String> toolViolations(
      List<Command> commands, Set<String> prerequisites, Predicate<String> repoScript) {
    List<String> violations = new ArrayList<>();
    for (Command c : commands) {
      String tool = c.tool();
      if (tool.isEmpty() || SHELL.contains(tool)) {
        continue;
      }
      if (!prerequisites.contains(tool) && !(tool.contains("/") && repoScript.test(tool))) {
        violations.add(
            c
                + " — runs `"
                + tool
                + "`, which the Prerequisites of runbooks/README.md do not list");
      }
      String joined = String.join(" ", c.words());
      NON_PORTABLE.forEach(
          (pattern, why) -> {
            if (pattern.matcher(joined).find()) {
              violations.add(c + " — " + why);
            }
          });
    }
    return violations;
  }

  /** {@code aws ecs execute-command} needs ECS Exec on the service (and the tool in the image). */
  static List<String> execViolations(List<Command> commands, boolean execEnabled) {
    List<String> violations = new ArrayList<>();
    for (Command c : commands) {
      if (c.words().size() >= 3
          && c.tool().equals("aws")
          && c.words().get(1).equals("ecs")
          && c.words().get(2).equals("execute-command")
          && !execEnabled) {
        violations.add(
            c
                + " — ECS Exec is not enabled on the service (EnableExecuteCommand): this cannot work");
      }
    }
    return violations;
  }

  /** {@code aws <service> <operation>} without a client method for the operation. */
  static List<String> operationViolations(List<Command> commands) {
    List<String> violations = new ArrayList<>();
    for (Command c : commands) {
      if (!c.tool().equals("aws")) {
        continue;
      }
      List<String> args =
          c.words().subList(1, c.words().size()).stream().filter(w -> !w.startsWith("--")).toList();
      if (args.size() < 2) {
        violations.add(c + " — no `aws <service> <operation>` in it");
        continue;
      }
      String service = args.get(0);
      String operation = args.get(1);
      if (JS_CLIENTS.containsKey(service)) {
        Path jsCommands =
            NODE_MODULES.resolve(JS_CLIENTS.get(service)).resolve("dist-types/commands");
        if (!Files.isDirectory(jsCommands)) {
          violations.add(
              c + " — " + JS_CLIENTS.get(service) + " is not installed (npm ci in cdk-app)");
        } else if (!Files.isRegularFile(jsCommands.resolve(pascal(operation) + "Command.d.ts"))) {
          violations.add(
              c
                  + " — `aws "
                  + service
                  + " "
                  + operation
                  + "` is no operation of the API: "
                  + JS_CLIENTS.get(service)
                  + " has no "
                  + pascal(operation)
                  + "Command (a CLI-only customization?)");
        }
        continue;
      }
      String client = SDK_CLIENTS.get(service);
      if (client == null) {
        violations.add(
            c
                + " — no SDK client mapped for `aws "
                + service
                + "` (add it to RunbookCommands.SDK_CLIENTS and the test deps)");
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(client);
      } catch (ClassNotFoundException e) {
        violations.add(c + " — SDK client " + client + " is not on the test classpath");
        continue;
      }
      if (operation.equals("wait") && args.size() >= 3) {
        if (!hasWaiter(type, "waitUntil" + pascal(args.get(2)))) {
          violations.add(
              c + " — " + type.getSimpleName() + " has no waiter for `" + args.get(2) + "`");
        }
      } else if (!hasMethod(type, camel(operation))) {
        violations.add(
            c
                + " — `aws "
                + service
                + " "
                + operation
                + "` is no operation of the API: "
                + type.getSimpleName()
                + " has no method "
                + camel(operation)
                + " (a CLI-only customization?)");
      }
    }
    return violations;
  }

  private static boolean hasMethod(Class<?> type, String name) {
    return Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(name));
  }

  private static boolean hasWaiter(Class<?> client, String name) {
    try {
      Method waiter = client.getMethod("waiter");
      return hasMethod(waiter.getReturnType(), name);
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** {@code update-item} → {@code updateItem}. */
  static String camel(String kebab) {
    String p = pascal(kebab);
    return p.isEmpty() ? p : Character.toLowerCase(p.charAt(0)) + p.substring(1);
  }

  private static String pascal(String kebab) {
    StringBuilder b = new StringBuilder();
    for (String part : kebab.split("-")) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0)))
            .append(part.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return b.toString();
  }

  /**
   * Drops a {@code #} comment that starts outside quotes after whitespace (or the line's start).
   */
  static String stripComment(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == '\\' && quote == '"') {
          i++;
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /**
   * Splits a command line into simple commands: {@code $(…)} substitutions (also inside double
   * quotes) become commands of their own; the rest is cut at {@code |}, {@code ||}, {@code &&} and
   * {@code ;} outside quotes.
   */
  static void split(String page, String line, List<Command> out) {
    StringBuilder rest = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quote != '\''
          && ch == '$'
          && i + 1 < line.length()
          && line.charAt(i + 1) == '('
          && !(i + 2 < line.length() && line.charAt(i + 2) == '(')) {
        int end = closing(line, i + 1);
        split(page, line.substring(i + 2, end), out);
        rest.append("SUBST");
        i = end;
        continue;
      }
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == '\\' && quote == '"' && i + 1 < line.length()) {
          rest.append(ch);
          ch = line.charAt(++i);
        }
        rest.append(ch);
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        rest.append(ch);
      } else if (ch == '|'
          || ch == ';'
          || (ch == '&' && i + 1 < line.length() && line.charAt(i + 1) == '&')) {
        add(page, rest.toString(), out);
        rest.setLength(0);
        if (i + 1 < line.length() && (line.charAt(i + 1) == '|' || line.charAt(i + 1) == '&')) {
          i++;
        }
      } else {
        rest.append(ch);
      }
    }
    add(page, rest.toString(), out);
  }

  /** The index of the parenthesis closing the one at {@code open} (quotes respected). */
  private static int closing(String s, int open) {
    int depth = 0;
    char quote = 0;
    for (int i = open; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')' && --depth == 0) {
        return i;
      }
    }
    return s.length() - 1;
  }

  private static void add(String page, String text, List<Command> out) {
    // a <placeholder> the reader fills in is one word, not a redirection
    List<String> words =
        new ArrayList<>(words(PLACEHOLDER.matcher(text.trim()).replaceAll("PLACEHOLDER")));
    // leading assignments (FOO=bar cmd) and shell keywords that prefix a command (do, then, !)
    while (!words.isEmpty()
        && (words.get(0).matches("[A-Za-z_][A-Za-z0-9_]*=.*")
            || Set.of("do", "then", "else", "!", "export").contains(words.get(0)))) {
      words.remove(0);
    }
    if (!words.isEmpty()
        && Set.of("for", "while", "until", "if", "done", "fi").contains(words.get(0))) {
      if (words.get(0).equals("if")
          || words.get(0).equals("while")
          || words.get(0).equals("until")) {
        words.remove(0); // the condition is a command
      } else {
        return; // for x in …; done; fi
      }
    }
    if (!words.isEmpty()) {
      out.add(new Command(page, text.trim(), List.copyOf(words)));
    }
  }

  /** Whitespace-separated words, quotes removed (enough to read tools and flags). */
  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          w.append(ch);
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        any = true;
      } else if (Character.isWhitespace(ch)) {
        if (w.length() > 0 || any) {
          words.add(w.toString());
          w.setLength(0);
          any = false;
        }
      } else {
        w.append(ch);
      }
    }
    if (w.length() > 0 || any) {
      words.add(w.toString());
    }
    return words;
  }
}
