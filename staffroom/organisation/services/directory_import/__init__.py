"""Keep Person records in step with the HR system's staff directory, exported as CSV.

Two steps, so an administrator sees what a file would do before anything happens:
`check_directory_file` parses, validates and compares the file with the database without
writing; `apply_directory_file` checks again inside one transaction and then writes all of it
or nothing, one import at a time. `create_directory_import` and `apply_directory_import` wrap
them for the upload pages, and `import_directory_file` for the command, keeping a
DirectoryImport record of each file; `purge_stale_directory_files` deletes the stored copies of
files that were never applied.

Built for a whole health system in one file (80,000 rows): existing people are read in one
query into tuples, rows are validated in memory, and the writes are bulk statements that touch
only changed rows and only their changed columns. The columns and rules are documented in
docs/directory-import.md; keep the two in step.

The stages live in their own modules: reading.py (decoding, the header, each row's own checks),
planning.py (the database snapshot, rules across rows, the comparison and check_directory_file),
writing.py (applying a plan and the DirectoryImport records); types.py holds what they pass
between them. Import from this package, not from the modules.
"""

from staffroom.organisation.services.directory_import.planning import check_directory_file
from staffroom.organisation.services.directory_import.reading import (
    KNOWN_COLUMNS,
    LANGUAGES,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    STATUSES,
)
from staffroom.organisation.services.directory_import.types import (
    DirectoryFileError,
    FieldChange,
    ImportPlan,
    ImportResult,
    PlannedChange,
    PlannedCreate,
    PlannedDeactivation,
    RowError,
)
from staffroom.organisation.services.directory_import.writing import (
    ID_BATCH,
    KEPT_ERRORS,
    PREVIEW_SAMPLE,
    WRITE_BATCH,
    apply_directory_file,
    apply_directory_import,
    create_directory_import,
    import_directory_file,
    purge_stale_directory_files,
)

__all__ = [
    "ID_BATCH",
    "KEPT_ERRORS",
    "KNOWN_COLUMNS",
    "LANGUAGES",
    "OPTIONAL_COLUMNS",
    "PREVIEW_SAMPLE",
    "REQUIRED_COLUMNS",
    "STATUSES",
    "WRITE_BATCH",
    "DirectoryFileError",
    "FieldChange",
    "ImportPlan",
    "ImportResult",
    "PlannedChange",
    "PlannedCreate",
    "PlannedDeactivation",
    "RowError",
    "apply_directory_file",
    "apply_directory_import",
    "check_directory_file",
    "create_directory_import",
    "import_directory_file",
    "purge_stale_directory_files",
]
