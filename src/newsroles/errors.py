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
