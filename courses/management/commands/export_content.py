from pathlib import Path

from django.core.management.base import CommandError

from courses.content_files import ContentError, read_tree
from courses.exporter import export_content
from courses.management.content_folder import ContentFolderCommand


class Command(ContentFolderCommand):
    help = "Write tracks, lessons, sections and questions from the database as content files."
    folder_argument = "outdir"
    folder_help = "The content folder to write into (default: content/); other files are kept."

    def handle(self, *args, outdir, **options):
        outdir = Path(outdir)
        if outdir.exists() and not outdir.is_dir():
            raise CommandError(f"{outdir} is not a folder.")
        written = export_content(outdir)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {outdir}"))
        # What the admin accepts, the files may not (a test bank of fewer than ten, say):
        # read the export back so the problem is named now, not at the next import.
        try:
            read_tree(outdir)
        except ContentError as error:
            raise CommandError(
                f"The files were written, but they would not import: {error}"
            ) from error
