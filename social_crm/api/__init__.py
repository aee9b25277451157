# The webhook's documented path /api/method/social_crm.api.ingest names this package's
# attribute ``ingest``; hooks.override_whitelisted_methods maps it to the function
# social_crm.api.ingest.ingest, so ``social_crm.api.ingest`` stays the module (no
# function bound here shadows it).
