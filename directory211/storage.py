"""Static files with compressed, content-hashed names once they are collected, plain names before.

`manage.py deploy` (collectstatic) writes the files and their manifest to STATIC_ROOT; from then
on pages link to `site.<hash>.css`, which WhiteNoise serves compressed and cached forever (a
changed file gets a new name). Before any collectstatic (the tests, `serve_demo`, a development
checkout) there is no manifest, and the pages link to the plain names that Django's staticfiles
finders serve: nothing to collect to run the site locally or the tests.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once, when the process starts: a process started before a deploy keeps plain names.
        self.collected = self.exists(self.manifest_name)

    def url(self, name, force=False):
        if not self.collected and not force:
            # As Django's manifest storage does under DEBUG: the name as it is.
            return self._url(lambda clean_name: clean_name, name)
        return super().url(name, force)
