"""mentorkit: a reverse-mentoring programme written as YAML, turned into everything its people need.

The public API is small: `load_project` reads and validates a project, `build` writes
its outputs, and the model types describe what was loaded.
"""

from .errors import InvalidProject, MentorkitError, Problem
from .loader import load_project
from .model import Programme, Project, Session, Topic

__all__ = [
    "InvalidProject",
    "MentorkitError",
    "Problem",
    "Programme",
    "Project",
    "Session",
    "Topic",
    "load_project",
]

__version__ = "0.1.0"
