"""The base of the commands that read or write a content folder (import_content,
export_content): one optional positional folder, the project's content/ unless given."""

from django.conf import settings
from django.core.management.base import BaseCommand


class ContentFolderCommand(BaseCommand):
    """`folder_argument` names the positional argument `handle` receives; `folder_help`
    says what the folder is for."""

    folder_argument: str
    folder_help: str

    def add_arguments(self, parser):
        parser.add_argument(
            self.folder_argument,
            nargs="?",
            default=str(settings.BASE_DIR / "content"),
            help=self.folder_help,
        )
