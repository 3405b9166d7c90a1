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
        # name → its address: the same for the life of the process (as `collected`), and
        # asked about ten times by every page.
        self._addresses = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._addresses.get(name)
        if found is None:
            if not self.collected:
                # As Django's manifest storage does under DEBUG: the name as it is.
                found = self._url(lambda clean_name: clean_name, name)
            else:
                found = super().url(name, force)
            self._addresses[name] = found
        return found
