"""iopkit: a 36-session IOP curriculum held as validated data, built with Jupyter into
facilitator guides, interactive exercises and printable handouts.

The public API (the CLI is a thin layer over it)::

    from iopkit import load_curriculum, load_cohort, plan_cohort, build_cohort
"""
from __future__ import annotations

from iopkit._version import __version__

__all__ = ["load_curriculum", "load_cohort", "plan_cohort", "build_cohort", "__version__"]


def __getattr__(name: str):
    # Lazy, so that `iopkit validate` does not pay for importing papermill and WeasyPrint.
    if name == "load_curriculum":
        from iopkit.content.curriculum import load_curriculum

        return load_curriculum
    if name == "load_cohort":
        from iopkit.planning.cohort import load_cohort

        return load_cohort
    if name == "plan_cohort":
        from iopkit.planning.plan import plan_cohort

        return plan_cohort
    if name == "build_cohort":
        from iopkit.pipeline.build import build_cohort

        return build_cohort
    raise AttributeError(name)
