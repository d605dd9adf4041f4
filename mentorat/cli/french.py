"""The command line speaks French: help panels, the help option, and the messages for a
mistyped command, option or value (Typer's own are English and hard-coded)."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console

TYPES_FR = {"integer": "entier", "float": "nombre", "boolean": "booléen", "path": "chemin"}
USAGE = "Utilisation\u00a0: "


def translate_help() -> None:
    """French help: the help option's text, the usage line (« Utilisation : mentorat cohort
    launch [OPTIONS] »; Click writes "Usage: "), and the panels' titles and labels, set
    when a help screen is first drawn (Typer's rich_utils takes a fifth of a second to
    import, which the commands that print no help never pay)."""
    from typer import core
    from typer._click import decorators, formatting

    write_usage = formatting.HelpFormatter.write_usage
    if getattr(write_usage, "french", False):
        return  # done already in this process

    def french_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, USAGE if prefix is None else prefix)

    french_usage.french = True  # type: ignore[attr-defined]
    formatting.HelpFormatter.write_usage = french_usage  # type: ignore[method-assign]
    for command_class in (core.TyperCommand, core.TyperGroup):
        command_class.format_help = _before(  # type: ignore[method-assign]
            command_class.format_help, _translate_panels
        )
    original = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        made = original(param_decls)

        def apply(command: Any) -> Any:
            command = made(command)
            command.params[-1].help = "Affiche cette aide."
            return command

        return apply

    decorators.help_option = help_option


def _before(method: Any, first: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        first()
        return method(*args, **kwargs)

    return run


def _translate_panels() -> None:
    """French titles and labels of the help panels (Typer reads these module constants);
    its highlighter styles the usage line by its first word."""
    from typer import rich_utils

    rich_utils.DEFAULT_STRING = "[par défaut\u00a0: {}]"
    rich_utils.ENVVAR_STRING = "[variable\u00a0: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[obligatoire]"
    rich_utils.ARGUMENTS_PANEL_TITLE = "Arguments"
    rich_utils.OPTIONS_PANEL_TITLE = "Options"
    rich_utils.COMMANDS_PANEL_TITLE = "Commandes"
    rich_utils.ERRORS_PANEL_TITLE = "Erreur"
    rich_utils.ABORTED_TEXT = "Interrompu."
    rich_utils.DEPRECATED_STRING = "(obsolète) "
    rich_utils.OptionHighlighter.highlights = [
        rf"(?P<usage>{USAGE})" if "?P<usage>" in pattern else pattern
        for pattern in rich_utils.OptionHighlighter.highlights
    ]


def _hint(exc: Any) -> str:
    param = getattr(exc, "param", None)
    if param is not None and getattr(param, "opts", None):
        return " / ".join(param.opts)
    if param is not None and getattr(param, "name", None):
        return str(param.name).upper()
    return str(getattr(exc, "param_hint", "") or "")


def _value_message(message: str) -> str:
    found = re.match(r"'(.*)' is not a valid (\w+)", message)
    if found:
        kind = TYPES_FR.get(found.group(2), found.group(2))
        return f"«\u00a0{found.group(1)}\u00a0» n’est pas un {kind} valide"
    found = re.match(r"Input should be (greater|less) than or equal to (.*)", message)
    if found:
        way = "supérieure" if found.group(1) == "greater" else "inférieure"
        return f"la valeur doit être {way} ou égale à {found.group(2)}"
    found = re.match(r"Input should be a valid (\w+)", message)
    if found:
        return f"ce n’est pas un {TYPES_FR.get(found.group(1), found.group(1))} valide"
    found = re.match(r"(.*) is not in the range (.*)\.", message)
    if found:
        return f"{found.group(1)} est hors des bornes {found.group(2)}"
    return message


def explain(exc: Any) -> str:
    """A French sentence for a usage error raised by Typer."""
    name = type(exc).__name__
    if name == "NoSuchOption":
        return f"option inconnue\u00a0: {exc.option_name}"
    if name == "MissingParameter":
        what = "argument" if getattr(exc.param, "param_type_name", "") == "argument" else "option"
        return f"{what} obligatoire manquant{'e' if what == 'option' else ''}\u00a0: {_hint(exc)}"
    if name == "BadParameter":
        return f"valeur refusée pour {_hint(exc)}\u00a0: {_value_message(exc.message)}"
    message = str(getattr(exc, "message", exc))
    found = re.match(r"No such command '([^']*)'(?:\. Did you mean '([^']*)')?", message)
    if found:
        guess = ""
        if found.group(2):
            guess = f" (vouliez-vous dire «\u00a0{found.group(2)}\u00a0»\u00a0?)"
        return f"commande inconnue\u00a0: «\u00a0{found.group(1)}\u00a0»{guess}"
    found = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if found:
        return f"argument en trop\u00a0: {found.group(1)}"
    if message.startswith("Missing command"):
        return "commande manquante"
    return message


def report(exc: Any, err: Console) -> int:
    """Print a usage error in French, with where to find help; returns the exit code."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return 0
    err.print(f"[red]Erreur\u00a0:[/red] {explain(exc)}")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(f"Aide\u00a0: {ctx.command_path} --help")
    return int(getattr(exc, "exit_code", 2))
