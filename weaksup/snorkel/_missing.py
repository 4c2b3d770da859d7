"""Snorkel names this namespace does not provide: importing one says so and names what to use instead.

Without this, ``from weaksup.snorkel.slicing import SliceAwareClassifier`` fails with Python's bare
"cannot import name"; a port then does not know whether it made a typo or met a gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from weaksup.errors import WeaksupError


class NotProvidedError(WeaksupError, ImportError):
    """A Snorkel 0.10 name that ``weaksup.snorkel`` does not provide (an ``ImportError``, as a missing name is).

    Examples
    --------
    >>> try:
    ...     from weaksup.snorkel.slicing import SliceAwareClassifier
    ... except NotProvidedError as exc:
    ...     print(str(exc).split(":")[0])
    snorkel.slicing.SliceAwareClassifier is not provided by weaksup.snorkel
    """


def not_provided(module: str, names: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` raising :class:`NotProvidedError` (``names``: Snorkel name -> what to use instead).

    Examples
    --------
    >>> getattr_ = not_provided("weaksup.snorkel.demo", {"Old": "use New"})
    >>> try:
    ...     getattr_("Old")
    ... except NotProvidedError as exc:
    ...     print(exc)
    snorkel.demo.Old is not provided by weaksup.snorkel: use New
    """
    snorkel_module = module.removeprefix("weaksup.")

    def __getattr__(name: str) -> object:  # noqa: N807 -- a module __getattr__
        if name in names:
            # an ImportError (not AttributeError), so `from ... import name` shows this message, not Python's
            raise NotProvidedError(f"{snorkel_module}.{name} is not provided by weaksup.snorkel: {names[name]}")
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__
