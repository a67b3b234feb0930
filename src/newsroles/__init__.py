"""newsroles: give every sentence of a news article one role.

Roles (see data/GUIDELINES.md): quote, attribution, policy_statement, background.
"""

__version__ = "0.1.0"

LABELS = ("quote", "attribution", "policy_statement", "background")
LABEL2ID = {label: i for i, label in enumerate(LABELS)}


def __getattr__(name):
    # Lazy so that `import newsroles` stays cheap.
    if name == "Tagger":
        from newsroles.tagger import Tagger

        return Tagger
    raise AttributeError(name)


__all__ = ["LABELS", "LABEL2ID", "Tagger", "__version__"]
