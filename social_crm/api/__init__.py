# The webhook lives at /api/method/social_crm.api.ingest: Frappe resolves that path to an
# attribute ``ingest`` of this package, so the function (not its module) is bound here.
# Import the module itself with importlib.import_module("social_crm.api.ingest").
from social_crm.api.ingest import ingest

__all__ = ["ingest"]
