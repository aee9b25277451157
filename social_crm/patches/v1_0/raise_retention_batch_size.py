"""The default largest retention batch went from 1,000 to 5,000 records (issue 14: retention at
10 million mentions). Sites that kept the old default get the new one; a size an admin chose
stays. Batches still shrink while a write transaction would take over half a second."""

from social_crm import settings

OLD_DEFAULT = 1000


def execute():
	settings.raise_retention_batch_size(OLD_DEFAULT)
