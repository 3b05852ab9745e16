"""Shared by the trackers' commands."""

from django.core.management.base import CommandError


def write_output(command, content, output: str | None) -> None:
    """Write text or bytes to ``output``, or to standard output (text only: xlsx needs a file)."""
    if output:
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as handle:
            handle.write(content)
        command.stderr.write(f"Wrote {output}")
    elif isinstance(content, bytes):
        raise CommandError("An Excel workbook needs --output FILE.", returncode=2)
    else:
        command.stdout.write(content, ending="")
