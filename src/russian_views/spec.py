"""Every parameter of every notebook, and every render option, defined once.

The notebooks' parameters cells, their guard (``from_namespace``), the ``render`` options,
the keys of a batch file, ``russian-views params``, output file names and the dictionary
papermill receives are all derived from :data:`PARAMETERS`. Values are resolved (and
refused) in :mod:`russian_views.params`, which needs the dataset; this module imports
nothing heavy, so the command line can build its options and answer ``--help`` at once.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTOR, OVERVIEW, COMPARE, EXERCISE = (
    "actor_briefing",
    "overview",
    "compare",
    "exercises/code_a_passage",
)
NOTEBOOKS = (ACTOR, OVERVIEW, COMPARE, EXERCISE)
# What each kind of parameter holds, as ``russian-views params`` shows it.
TYPES = {
    "actor": "str",
    "year": "int",
    "codes": "str or list",
    "choice": "str",
    "int": "int",
    "text": "str",
    "path": "str (a path)",
    "flag": "bool",
}
ECHO_LIMIT = 60


@dataclass(frozen=True)
class Parameter:
    """One notebook parameter or render option.

    ``notebooks`` empty means a render option (how files are written, not what a briefing
    says). ``choices`` are fixed words, accepted in any case and written as spelt here;
    ``codes_from`` takes the choices from the data instead ("actors", or a codebook list).
    ``all_word`` stands for every choice of a list. ``in_name``: a non-default value is
    recorded in output file names. ``flag`` is the ``render`` option, if any.
    ``hint`` is the parameter in a reader's words, for the explorer's hover hint: ``help``
    speaks to someone typing the value (None, comma-separated lists, ids), which a reader
    choosing from a drop-down never does.
    """

    name: str
    kind: str
    help: str
    default: object = None
    notebooks: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    codes_from: str | None = None
    all_word: str | None = None
    flag: str | None = None
    metavar: str | None = None
    in_name: bool = False
    hint: str | None = None

    @property
    def type_name(self) -> str:
        """The type ``russian-views params`` shows."""
        return TYPES[self.kind] + (" or None" if self.default is None else "")

    @property
    def dest(self) -> str:
        """The attribute argparse stores the option under."""
        return (self.flag or self.name).lstrip("-").replace("-", "_")


_ACTOR_HELP = "actor id, name or alias, any case"
_YEARS = (ACTOR, OVERVIEW, COMPARE)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "actor",
        "actor",
        f"{_ACTOR_HELP}, e.g. china, DPRK, Seoul",
        "north-korea",
        (ACTOR,),
        codes_from="actors",
        flag="--actor",
        metavar="NAME",
        hint="Whom the briefing is about: how Moscow sees this country or government.",
    ),
    Parameter(
        "actor_a",
        "actor",
        f"first actor: {_ACTOR_HELP}",
        "north-korea",
        (COMPARE,),
        codes_from="actors",
    ),
    Parameter(
        "actor_b",
        "actor",
        f"second actor: {_ACTOR_HELP}",
        "south-korea",
        (COMPARE,),
        codes_from="actors",
    ),
    Parameter(
        "since",
        "year",
        "first year of the period (None: the first year the data cover)",
        None,
        _YEARS,
        flag="--since",
        metavar="YEAR",
        hint="The first year the briefing covers.",
    ),
    Parameter(
        "until",
        "year",
        "last year of the period (None: the last year the data cover)",
        None,
        _YEARS,
        flag="--until",
        metavar="YEAR",
        hint="The last year the briefing covers.",
    ),
    Parameter(
        "themes",
        "codes",
        "codebook themes, comma-separated (all: every theme)",
        "all",
        (ACTOR,),
        codes_from="theme",
        all_word="all",
        flag="--themes",
        metavar="LIST",
        in_name=True,
        hint="The topics the briefing covers: untick a topic to leave it out.",
    ),
    Parameter(
        "views",
        "codes",
        "whose statements: moscow, reviewer or both",
        "both",
        (ACTOR,),
        choices=("moscow", "reviewer"),
        all_word="both",
        flag="--views",
        metavar="WHO",
        in_name=True,
        hint="Whose statements the briefing shows: Russian views as the sources report them, "
        "the reviewer's own judgment, or both.",
    ),
    Parameter(
        "detail",
        "choice",
        "full briefing, or summary (a two-page brief)",
        "full",
        (ACTOR,),
        choices=("full", "summary"),
        flag="--detail",
        metavar="LEVEL",
        in_name=True,
        hint="The full briefing, or a two-page summary of it.",
    ),
    Parameter(
        "edition",
        "choice",
        "reader, student (adds discussion questions) or instructor (adds answers)",
        "reader",
        (ACTOR,),
        choices=("reader", "student", "instructor"),
        flag="--edition",
        metavar="EDITION",
        in_name=True,
        hint="Who the briefing is for: readers; students, with questions for discussion; or "
        "instructors, with the answers too.",
    ),
    Parameter(
        "paragraph",
        "int",
        "body paragraph of the source to code (8: how Moscow sees Seoul)",
        8,
        (EXERCISE,),
    ),
    Parameter(
        "source_id",
        "text",
        "a source id from sources.csv (None: the first source listed there)",
        None,
        (EXERCISE,),
    ),
    Parameter(
        "worksheet_dir",
        "path",
        "folder for the blank worksheet (None: one in the system temp folder)",
        None,
        (EXERCISE,),
    ),
    Parameter(
        "student_file",
        "path",
        "a filled worksheet to compare with the reference (None: not yet)",
        None,
        (EXERCISE,),
    ),
    Parameter(
        "reference_file",
        "path",
        "the reference coding (None: data/exercises/reference.csv, for ¶8)",
        None,
        (EXERCISE,),
    ),
    Parameter(
        "edition",
        "choice",
        "student, or instructor (also shows the reference coding)",
        "student",
        (EXERCISE,),
        choices=("student", "instructor"),
    ),
    # Render options: how the files are written.
    Parameter(
        "format",
        "codes",
        "comma-separated formats to write",
        "html,pdf",
        choices=("html", "pdf"),
        flag="--format",
        metavar="LIST",
    ),
    Parameter(
        "paper",
        "choice",
        "PDF paper size",
        "A4",
        choices=("A4", "Letter"),
        flag="--paper",
        in_name=True,
    ),
    Parameter("out", "path", "output folder", "reports", flag="--out", metavar="DIR"),
    Parameter(
        "jobs",
        "int",
        "worker processes, each with a warm kernel (None: one per core)",
        None,
        flag="--jobs",
        metavar="N",
    ),
    Parameter(
        "force",
        "flag",
        "render even briefings whose inputs are unchanged since the last render into this "
        "folder (otherwise those are taken from the cache)",
        False,
        flag="--force",
    ),
)

RENDER_OPTIONS = tuple(p for p in PARAMETERS if not p.notebooks)


def parameters_of(notebook: str) -> tuple[Parameter, ...]:
    """The parameters a notebook takes, in the order of its parameters cell."""
    return tuple(p for p in PARAMETERS if notebook in p.notebooks)


def parameter(notebook: str | None, name: str) -> Parameter:
    """A notebook's parameter by name (``notebook`` None: a render option)."""
    pool = parameters_of(notebook) if notebook else RENDER_OPTIONS
    return next(p for p in pool if p.name == name)


def flagged() -> tuple[Parameter, ...]:
    """Every parameter and option ``render`` takes on the command line."""
    return tuple(p for p in PARAMETERS if p.flag)


def notebook_name(text: str) -> str | None:
    """The notebook ``text`` names: ``compare``, ``code_a_passage``, ``exercises/code_a_passage``
    or a path ending in one of them (with or without ``.ipynb``); None if none."""
    stem = text.strip().replace("\\", "/").removesuffix(".ipynb")
    for notebook in NOTEBOOKS:
        short = notebook.rsplit("/", 1)[-1]
        if stem in (notebook, short) or stem.endswith("/" + notebook) or stem.endswith("/" + short):
            return notebook
    return None


def literal(value: object) -> str:
    """A default as Python source in a parameters cell."""
    return "None" if value is None else repr(value).replace("'", '"')


def parameters_cell(notebook: str) -> str:
    """The source of the notebook's cell tagged ``parameters`` (a test keeps them equal)."""
    lines = [
        "# Parameters: papermill injects new values in a cell after this one.",
        f"# `russian-views params {notebook.rsplit('/', 1)[-1]}` lists them with their "
        "allowed values.",
    ]
    lines += [f"{p.name} = {literal(p.default)}  # {p.help}" for p in parameters_of(notebook)]
    return "\n".join(lines)


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, for echoing what a user typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shorten_path(path: str, limit: int = 2 * ECHO_LIMIT) -> str:
    """A path cut from the left (``…/reports/china.html``): its end says which file."""
    return path if len(path) <= limit else "…" + path[-(limit - 1) :]


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value quoted as Python shows it (``'narnia'``), cut to about ``limit`` characters,
    so a 10,000-character value is not echoed whole."""
    if isinstance(value, str):
        return repr(shorten(value, limit))
    return shorten(repr(value), limit)


def count(setting: str, text: str) -> int:
    """A whole number of 1 or more that a user gave for ``setting`` (an option or variable),
    or a :class:`~russian_views.errors.ParameterError` saying so."""
    from russian_views.errors import ParameterError

    if not text.strip().isdecimal() or int(text) < 1:  # isdigit takes "²", which int refuses
        raise ParameterError(f"{setting} must be 1 or more, not {echo(text)}")
    return int(text)
