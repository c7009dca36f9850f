"""Public names of a package imported on first use (PEP 562), so that ``import analyse`` stays light.

Loading a survey needs pandas and numpy only; the statistics bring scipy and
the figures matplotlib and seaborn, which cost more than a second to import.
A package lists where each of its names lives and lets :func:`lazy` write its
module ``__getattr__`` and ``__dir__``; ``__all__``, ``dir()``, ``from ...
import *`` and ``from ... import name`` work as with eager imports.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable

__all__ = ["lazy"]


class _Package(types.ModuleType):
    """A package whose listed names win over its submodules of the same name.

    Importing a submodule binds it on its package (``setattr``), and
    ``analyse.stats`` has functions named as the modules that define them
    (``agreement``, ``krippendorff``, ``reliability``, ``open_answers``): the
    function must stay what the name means, however the modules get imported.
    """

    _lazy_names: frozenset = frozenset()

    def __setattr__(self, name, value):
        if name in self._lazy_names and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


def lazy(package: str, names: dict[str, str], *, modules: tuple[str, ...] = (),
         wrap: Callable[[str, object], object] | None = None):
    """``__getattr__`` and ``__dir__`` of ``package``, importing each of ``names`` from its submodule when first used.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict of str to str
        Public name -> the module (relative to ``package``, e.g. ``".scores"``)
        that defines it under the same name.
    modules : tuple of str
        Public names that are submodules themselves (``analyse.plot``).
    wrap : callable, optional
        ``wrap(name, value)`` is what the package exports instead of ``value``.

    Returns
    -------
    getattr, dir : callables
        To assign to the package's ``__getattr__`` and ``__dir__``. A name is
        resolved once and then kept in the package's namespace.

    Examples
    --------
    >>> import analyse
    >>> "condition_means" in dir(analyse.stats)
    True
    >>> analyse.stats.condition_means.__name__
    'condition_means'
    """
    module = sys.modules[package]
    module.__class__ = _Package
    module._lazy_names = frozenset(set(names) - set(modules))

    def __getattr__(name: str):
        if name in modules:
            return importlib.import_module(f".{name}", package)
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name], package), name)
        if wrap is not None:
            value = wrap(name, value)
        module.__dict__[name] = value
        return value

    def __dir__():
        return sorted(set(module.__dict__) | set(names) | set(modules))

    return __getattr__, __dir__
