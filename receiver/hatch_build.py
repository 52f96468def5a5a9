"""Ship pairhub's receiver package as `pairhub_receiver`, from pairhub's source tree or from an sdist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ReceiverSources(BuildHookInterface):  # type: ignore[type-arg]
    """Force-include the one implementation (`src/pairhub/receiver`) under the distribution's name."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Map each module of the receiver package to `pairhub_receiver/<name>`."""
        root = Path(self.root)
        checkout = root.parent / "src" / "pairhub" / "receiver"
        # An unpacked sdist has no pairhub tree beside it: it carries the files it was built with.
        source = checkout if checkout.is_dir() else root / "pairhub_receiver"
        files = [*sorted(source.glob("*.py")), source / "py.typed"]
        if not files[:-1]:
            raise FileNotFoundError(f"no receiver modules in {source}")
        for path in files:
            build_data["force_include"][str(path)] = f"pairhub_receiver/{path.name}"
