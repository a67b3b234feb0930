"""User-facing errors: one line that says what was wrong and where."""


class NewsrolesError(Exception):
    """An error caused by the user's input or configuration (not a bug).

    The CLI prints it as one line and exits non-zero, without a traceback.
    """

    def __init__(self, message: str, path: object = None, line: int | None = None):
        self.path = path
        self.line = line
        self.message = message
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")


class DataProblems(NewsrolesError):
    """Several problems found at once (a data check): each is one line of the message, and
    the CLI prints each on its own line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def error_lines(error: Exception) -> list[str]:
    """The lines the CLI prints for a user error, each as `newsroles: error: ...`."""
    return [f"newsroles: error: {line}" for line in str(error).splitlines() or [""]]
