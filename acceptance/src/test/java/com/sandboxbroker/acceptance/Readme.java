package com.sandboxbroker.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/**
 * The shell commands of a Markdown file's {@code ```bash} blocks, by the {@code ##} section they
 * sit in. The tests read the commands from the README instead of repeating them, so a command that
 * changes in the README is the command the tests run.
 */
final class Readme {

  private record Command(String section, String line) {}

  private final List<Command> commands;

  private Readme(List<Command> commands) {
    this.commands = commands;
  }

  static Readme parse(String markdown) {
    List<Command> commands = new ArrayList<>();
    String section = "";
    boolean inBash = false;
    StringBuilder continued = new StringBuilder();
    for (String line : markdown.split("\n", -1)) {
      if (!inBash && line.startsWith("## ")) {
        section = line.substring(3).trim();
      } else if (!inBash && line.trim().equals("```bash")) {
        inBash = true;
      } else if (inBash && line.trim().equals("```")) {
        inBash = false;
      } else if (inBash) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (trimmed.endsWith("\\")) {
          continued.append(trimmed, 0, trimmed.length() - 1).append(' ');
          continue;
        }
        continued.append(trimmed);
        commands.add(new Command(section, stripTrailingComment(continued.toString())));
        continued.setLength(0);
      }
    }
    return new Readme(commands);
  }

  /** Every command of a section, in order. */
  List<String> commands(String section) {
    List<String> found =
        commands.stream().filter(c -> c.section().equals(section)).map(Command::line).toList();
    assertThat(found).as("README section '%s' has bash commands", section).isNotEmpty();
    return found;
  }

  /** The one command of a section that starts with {@code prefix}. */
  String command(String section, String prefix) {
    List<String> found = commands(section).stream().filter(c -> c.startsWith(prefix)).toList();
    assertThat(found)
        .as("README section '%s': the command starting '%s'", section, prefix)
        .hasSize(1);
    return found.get(0);
  }

  /** {@code cmd # note} → {@code cmd}; a '#' inside quotes or a word is not a comment. */
  private static String stripTrailingComment(String line) {
    int at = line.indexOf(" #");
    while (at >= 0) {
      String before = line.substring(0, at);
      if (before.chars().filter(ch -> ch == '"').count() % 2 == 0
          && before.chars().filter(ch -> ch == '\'').count() % 2 == 0) {
        return before.trim();
      }
      at = line.indexOf(" #", at + 1);
    }
    return line.trim();
  }
}
