"""A seeded, labelled data set for identity resolution: parties and social profiles with known owners.

``make_dataset(seed)`` builds Customers with several Contacts (company domains, shared
domains, some free-mail addresses, recorded handles written every which way), Leads,
and profiles of many kinds, each labelled with the party it really belongs to (or
none). Hard cases: namesakes, same names at different customers and twice at one
customer, free-mail and platform domains, accented names written without accents
(Müller/Mueller/Muller, José/Jose, Zoë/Zoe), handle case / ``@`` / URL forms, Mastodon
instance handles, near-miss names, conflicting signals and profiles with no signals.

Same seed, same data set: only ``random.Random(seed)`` is used.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from social_crm.engine.identity import PartyFacts, ProfileFacts, name_key

FIRST_NAMES = [
	"Anna",
	"Zoë",
	"José",
	"Jürgen",
	"François",
	"Søren",
	"Łukasz",
	"Maria",
	"Lena",
	"Jonas",
	"Lukas",
	"Sophie",
	"Mia",
	"Felix",
	"Paul",
	"Chloé",
	"Renée",
	"Björn",
	"Ömer",
	"Ana",
	"Tomás",
	"Inês",
	"Håkon",
	"Mateo",
	"Olivia",
	"Noah",
	"Emma",
	"Liam",
	"Hannah",
	"David",
	"Sarah",
	"Michael",
	"Laura",
	"Daniel",
	"Julia",
	"Thomas",
	"Katarzyna",
	"Dörte",
	"Günther",
	"Élodie",
]
LAST_NAMES = [
	"Müller",
	"Schmidt",
	"Schneider",
	"Fischer",
	"Weber",
	"Meyer",
	"Wagner",
	"Becker",
	"Schulz",
	"Hoffmann",
	"García",
	"Martínez",
	"López",
	"Dubois",
	"Lefèvre",
	"Jensen",
	"Nowak",
	"Kowalski",
	"Brown",
	"Smith",
	"Johnson",
	"Yılmaz",
	"Çelik",
	"Dvořák",
	"Šimek",
	"Østergaard",
	"Großmann",
	"Köhler",
	"Jäger",
	"Fernández",
	"Rossi",
	"Bianchi",
	"Novák",
	"Andersson",
	"Nieminen",
	"O'Brien",
	"Zimmermann",
	"Krüger",
	"Peña",
	"Åberg",
]
COMPANY_HEADS = [
	"Nord",
	"Sonnen",
	"Blau",
	"Alpen",
	"Kraft",
	"Stern",
	"Fluss",
	"Silber",
	"Wald",
	"Bright",
	"Iron",
	"Swift",
	"Clear",
	"Peak",
	"Open",
	"Ruby",
	"Cedar",
	"Delta",
	"Nova",
	"Atlas",
]
COMPANY_TAILS = [
	"wave",
	"werk",
	"feld",
	"tech",
	"haus",
	"logic",
	"stone",
	"bridge",
	"line",
	"works",
	"labs",
	"soft",
]
LEGAL_FORMS = ["GmbH", "AG", "Ltd", "Inc.", "SAS", "BV", "GmbH & Co. KG", ""]
TLDS = [".de", ".com", ".co.uk", ".fr", ".nl", ".io", ".at", ".ch"]
FREE_MAIL = [
	"gmail.com",
	"outlook.com",
	"hotmail.de",
	"yahoo.co.uk",
	"gmx.de",
	"web.de",
	"icloud.com",
	"proton.me",
]
MASTODON_INSTANCES = [
	"mastodon.social",
	"chaos.social",
	"fosstodon.org",
	"hachyderm.io",
	"mas.to",
	"troet.cafe",
]
PLATFORM_SITES = [
	"https://linktr.ee/{h}",
	"https://github.com/{h}",
	"https://{h}.medium.com",
	"https://medium.com/@{h}",
	"https://www.linkedin.com/in/{h}",
	"https://{h}.substack.com",
]
FILLER_BIOS = [
	"Coffee, code and cats.",
	"Opinions are my own.",
	"Runner. Reader. Dad.",
	"Cyclist and photographer 📷",
	"Building things on the web since 2004",
	"Tweets about football and food",
	"she/her · Berlin",
	"Retired teacher, keen gardener",
	"",
]
UMLAUT_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_fold(text: str) -> str:
	"""Drop accents the way a keyboard without them does (Müller -> Muller, Łukasz -> Lukasz)."""
	text = text.translate(str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i"}))
	return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def slug(text: str) -> str:
	return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


@dataclass
class LabelledProfile:
	case: str
	profile: ProfileFacts
	truth: tuple[str, str] | None  # (party_type, name) the profile belongs to; None: nobody in the CRM


@dataclass
class Person:
	first: str
	last: str

	@property
	def full(self) -> str:
		return f"{self.first} {self.last}"


@dataclass
class Company:
	customer: PartyFacts
	domain: str
	base: str
	contacts: list[PartyFacts] = field(default_factory=list)
	people: list[Person] = field(default_factory=list)


@dataclass
class Dataset:
	parties: list[PartyFacts]
	profiles: list[LabelledProfile]
	seed: int

	def by_key(self) -> dict[tuple[str, str], PartyFacts]:
		return {party.key: party for party in self.parties}


class _Builder:
	def __init__(self, seed: int):
		self.rng = random.Random(seed)
		self.seed = seed
		self.parties: list[PartyFacts] = []
		self.companies: list[Company] = []
		self.leads: list[tuple[PartyFacts, Person, str]] = []  # lead, person, org domain ("" if none)
		self.contact_people: dict[tuple[str, str], Person] = {}
		self.profiles: list[LabelledProfile] = []
		self.counter = 0
		self.used_handles: set[str] = set()
		self.claimed: set[tuple[str, str]] = set()

	# -- helpers ------------------------------------------------------------------------
	def next_id(self, prefix: str) -> str:
		self.counter += 1
		return f"{prefix}-{self.counter:05d}"

	def person(self) -> Person:
		return Person(self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES))

	def unique_token(self) -> str:
		return f"{self.rng.randrange(36**5):05x}"

	def fresh_handle(self, person: Person | None = None) -> str:
		base = slug(person.first)[:6] + slug(person.last)[:6] if person else "user"
		handle = f"{base}{self.unique_token()}"
		self.used_handles.add(handle)
		return handle

	def free_mail(self, person: Person) -> str:
		return f"{slug(person.first)}.{slug(person.last)}.{self.unique_token()}@{self.rng.choice(FREE_MAIL)}"

	def name_variant(self, person: Person, company_base: str = "") -> str:
		"""How the person writes their own name on a platform."""
		style = self.rng.randrange(9)
		first, last = person.first, person.last
		if style == 0:
			return ascii_fold(f"{first} {last}")
		if style == 1:
			return f"{first} {last}".translate(UMLAUT_SPELLING)
		if style == 2:
			return f"{last}, {first}"
		if style == 3:
			return f"{first} {last} (she/her)" if self.rng.random() < 0.5 else f"{first} {last} 🚀"
		if style == 4 and company_base:
			return f"{first} {last} | {company_base}"
		if style == 5:
			return f"{first} {last}".lower()
		if style == 6:
			return f"Dr. {first} {last}"
		return f"{first} {last}"

	def handle_pair(self, person: Person) -> tuple[str, str, str, str]:
		"""(platform, handle as recorded on the party, handle as the platform reports it, instance)."""
		local = self.fresh_handle(person)
		platform = self.rng.choice(["Mastodon", "Mastodon", "Bluesky", "X", "Reddit"])
		mixed = local[:1].upper() + local[1:3] + local[3:].upper()
		if platform == "Mastodon":
			instance = self.rng.choice(MASTODON_INSTANCES)
			recorded = self.rng.choice(
				[f"@{mixed}@{instance.title()}", f"https://{instance}/@{mixed}", f"{local}@{instance}"]
			)
			return platform, recorded, f"@{local}@{instance}", instance
		if platform == "Bluesky":
			return platform, f"@{mixed}.bsky.social", f"{local}.bsky.social", ""
		if platform == "Reddit":
			return platform, f"u/{mixed}", local, ""
		return platform, f"@{mixed}", local, ""

	def add(self, case: str, profile: ProfileFacts, truth: tuple[str, str] | None):
		self.profiles.append(LabelledProfile(case, profile, truth))

	# -- parties ------------------------------------------------------------------------
	def build_parties(self, n_companies: int = 70, n_leads: int = 160):
		bases = [head + tail for head in COMPANY_HEADS for tail in COMPANY_TAILS]
		self.rng.shuffle(bases)
		for base in bases[:n_companies]:
			legal = self.rng.choice(LEGAL_FORMS)
			customer_name = f"{base} {legal}".strip()
			domain = base.lower() + self.rng.choice(TLDS)
			if self.rng.random() < 0.15:
				domain = (
					f"{COMPANY_HEADS[0].lower()}-{domain}"
					if self.rng.random() < 0.3
					else f"{base.lower()}-group.com"
				)
			website = self.rng.choice(
				[f"https://www.{domain}", f"https://{domain}/", f"http://{domain}/en/home"]
			)
			customer = PartyFacts(
				"Customer",
				customer_name,
				display_name=customer_name,
				website=website if self.rng.random() < 0.9 else "",
				emails=[f"info@{domain}"] if self.rng.random() < 0.5 else [],
			)
			company = Company(customer, domain, base)
			self.parties.append(customer)
			self.companies.append(company)
			for _ in range(self.rng.choice([1, 1, 2, 2, 3, 4, 5])):
				self.add_contact(company, self.person())

		for _ in range(n_leads):
			person = self.person()
			org = self.rng.random() < 0.5
			domain = (
				f"{slug(person.last)}-{self.rng.choice(COMPANY_TAILS)}{self.rng.choice(TLDS)}" if org else ""
			)
			email = (
				f"{slug(person.first)}@{domain}"
				if org and self.rng.random() < 0.7
				else self.free_mail(person)
			)
			handles = []
			if self.rng.random() < 0.3:
				platform, recorded, _, _ = self.handle_pair(person)
				handles.append((platform, recorded))
			lead = PartyFacts(
				"Lead",
				self.next_id("CRM-LEAD"),
				display_name=person.full,
				first_name=person.first,
				last_name=person.last,
				company_name=f"{person.last} {self.rng.choice(COMPANY_TAILS).title()}" if org else "",
				emails=[email],
				website=f"https://{domain}" if org and self.rng.random() < 0.8 else "",
				handles=handles,
			)
			self.parties.append(lead)
			self.leads.append((lead, person, domain))

	def add_contact(
		self, company: Company, person: Person, handles=None, email_style: str | None = None
	) -> PartyFacts:
		style = email_style or self.rng.choice(["company", "company", "company", "company", "free"])
		if style == "company":
			local = self.rng.choice(
				[f"{slug(person.first)}.{slug(person.last)}", f"{slug(person.first)[0]}{slug(person.last)}"]
			)
			email = f"{local}{self.unique_token()[:2] if self.rng.random() < 0.2 else ''}@{company.domain}"
		else:
			email = self.free_mail(person)
		if handles is None:
			handles = []
			if self.rng.random() < 0.4:
				platform, recorded, _, _ = self.handle_pair(person)
				handles.append((platform, recorded))
		contact = PartyFacts(
			"Contact",
			self.next_id("CONT"),
			display_name=person.full,
			first_name=person.first,
			last_name=person.last,
			company_name=company.customer.display_name,
			emails=[email],
			website=company.customer.website if self.rng.random() < 0.5 else "",
			handles=handles,
			customer=company.customer.name,
		)
		company.contacts.append(contact)
		company.people.append(person)
		self.contact_people[contact.key] = person
		self.parties.append(contact)
		return contact

	def person_parties(self) -> list[tuple[PartyFacts, Person, Company | None]]:
		rows = [
			(c, p, company)
			for company in self.companies
			for c, p in zip(company.contacts, company.people, strict=True)
		]
		rows += [(lead, person, None) for lead, person, _ in self.leads]
		return rows

	# -- profiles -----------------------------------------------------------------------
	def raw_handle_of(self, party: PartyFacts, person: Person) -> tuple[str, str] | None:
		"""The platform's own spelling of a handle recorded on the party."""
		if not party.handles:
			return None
		platform, handle = party.handles[0]
		if platform == "Mastodon":
			local, _, instance = handle.partition("@")
			if not instance:
				return None
			return platform, self.rng.choice(
				[f"@{local}@{instance}", f"{local.upper()}@{instance}", f"https://{instance}/@{local}"]
			)
		if platform == "Bluesky":
			return platform, self.rng.choice([handle, "@" + handle.upper()])
		if platform == "Reddit":
			return platform, self.rng.choice([handle, f"/u/{handle}", f"u/{handle.title()}"])
		return platform, self.rng.choice([handle, "@" + handle, handle.upper()])

	def make_profiles(self):
		rng = self.rng
		people = self.person_parties()
		with_handles = [row for row in people if row[0].handles]

		contacts = [row for row in people if row[2] is not None]

		# 1. Mastodon user part recorded without server.
		for party, person, _company in self.claim(people, 20):
			local = self.fresh_handle(person)
			party.handles = [("Mastodon", local)]
			party.__post_init__()
			self.add(
				"handle_user_part",
				ProfileFacts(
					"Mastodon",
					handle=f"{local}@{rng.choice(MASTODON_INSTANCES)}",
					display_name=self.name_variant(person),
				),
				party.key,
			)

		# 2. The party records another handle on the same platform; name and domain match.
		for party, person, company in self.claim(contacts, 20):
			if self.same_name_count(company, person) > 1:
				continue
			platform, recorded, _, _ = self.handle_pair(person)
			party.handles = [(platform, recorded)]
			party.__post_init__()
			profile = ProfileFacts(
				platform,
				handle=self.fresh_handle(person) + (".bsky.social" if platform == "Bluesky" else ""),
				display_name=person.full,
				website=f"https://{company.domain}",
			)
			if platform == "Mastodon":
				profile.handle = f"{profile.handle}@{rng.choice(MASTODON_INSTANCES)}"
			self.add("other_handle", profile, party.key)

		# 3. A company's own Mastodon server: handle recorded on the contact.
		for party, person, company in self.claim(contacts, 20):
			local = self.fresh_handle(person)
			party.handles = [("Mastodon", f"@{local}@social.{company.domain}")]
			party.__post_init__()
			profile = ProfileFacts(
				"Mastodon",
				handle=f"https://social.{company.domain}/@{local.title()}",
				display_name=self.name_variant(person, company.base),
			)
			self.add("company_instance_handle", profile, party.key)

		# 4. Handle recorded on the party, written differently (case, @, URL, u/).
		for party, person, _company in rng.sample(with_handles, min(90, len(with_handles))):
			raw = self.raw_handle_of(party, person)
			if raw is None:
				continue
			platform, handle = raw
			display = (
				self.name_variant(person)
				if rng.random() < 0.6
				else rng.choice(["", "🌻", slug(person.first)])
			)
			self.add(
				"handle",
				ProfileFacts(platform, handle=handle, display_name=display, bio=rng.choice(FILLER_BIOS)),
				party.key,
			)

		# 5. Email in the profile's email field or written in the bio (also obfuscated, free-mail too).
		for party, person, _company in rng.sample(people, 110):
			email = party.emails[0]
			mode = rng.randrange(4)
			profile = ProfileFacts(
				rng.choice(["Mastodon", "Bluesky", "Discourse", "Reddit"]),
				handle=self.fresh_handle(),
				display_name=self.name_variant(person) if rng.random() < 0.7 else "",
				email=email.upper() if mode == 0 else "",
				bio={
					0: rng.choice(FILLER_BIOS),
					1: f"Contact: {email}",
					2: f"Write me: {email.replace('@', ' [at] ').replace('.', ' [dot] ')}",
					3: f"{rng.choice(FILLER_BIOS)} ✉ {email.upper()}",
				}[mode],
			)
			self.add("email", profile, party.key)

		# 6. Company accounts: the company's name and website.
		for company in rng.sample(self.companies, 45):
			if not company.customer.website:
				continue
			display = rng.choice(
				[
					company.base,
					company.customer.display_name,
					company.base.upper(),
					f"{company.base} Official",
				]
			)
			website = rng.choice(
				[
					f"https://www.{company.domain}",
					f"https://blog.{company.domain}/",
					f"https://{company.domain}",
				]
			)
			self.add(
				"company_account",
				ProfileFacts(
					rng.choice(["Mastodon", "Bluesky", "YouTube", "RSS"]),
					handle=slug(company.base) + self.unique_token()[:3],
					display_name=display,
					website=website,
				),
				company.customer.key,
			)

		# 7. A contact with their company's domain (website or another address) and an accent-variant name.
		for party, person, company in rng.sample(contacts, 90):
			if self.same_name_count(company, person) > 1:
				continue
			source = rng.randrange(3)
			profile = ProfileFacts(
				rng.choice(["Mastodon", "Bluesky", "X", "Discourse"]),
				handle=self.fresh_handle(person),
				display_name=self.name_variant(person, company.base),
				website=f"https://www.{company.domain}/team/{slug(person.first)}" if source == 0 else "",
				email=f"{slug(person.last)}.{self.unique_token()[:3]}@{company.domain}"
				if source == 1
				else "",
				bio=f"Sales at {company.base} — https://{company.domain}"
				if source == 2
				else rng.choice(FILLER_BIOS),
			)
			self.add("name_domain", profile, party.key)

		# 8. Name and the company named in the bio, no domain: review.
		for party, person, company in rng.sample(contacts, 50):
			if self.same_name_count(company, person) > 1:
				continue
			bio = rng.choice(
				[
					f"Engineer at {company.base}",
					f"Head of Marketing @{company.base}",
					f"{company.customer.display_name} | Berlin",
				]
			)
			self.add(
				"name_company",
				ProfileFacts(
					"Mastodon",
					handle=f"{self.fresh_handle(person)}@mastodon.social",
					display_name=self.name_variant(person),
					bio=bio,
				),
				party.key,
			)

		# 9. The real person, but only the name.
		for party, person, _company in rng.sample(people, 40):
			self.add(
				"name_only",
				ProfileFacts(
					"X",
					handle=self.fresh_handle(person),
					display_name=self.name_variant(person),
					bio=rng.choice(FILLER_BIOS),
				),
				party.key,
			)

		# 10. Namesakes: another person with the same name; free-mail address, platform links.
		for _party, person, _company in rng.sample(people, 70):
			handle = self.fresh_handle(person)
			self.add(
				"namesake",
				ProfileFacts(
					rng.choice(["X", "Bluesky", "Reddit"]),
					handle=handle,
					display_name=self.name_variant(person),
					email=self.free_mail(person) if rng.random() < 0.5 else "",
					website=rng.choice(PLATFORM_SITES).format(h=handle),
					bio=rng.choice(FILLER_BIOS),
				),
				None,
			)

		# 11. Same name at two customers: the profile works at the second one.
		for _ in range(40):
			first, second = rng.sample(self.companies, 2)
			person = self.person()
			self.add_contact(first, person, handles=[], email_style="company")
			target = self.add_contact(second, person, handles=[], email_style="company")
			self.add(
				"same_name_other_customer",
				ProfileFacts(
					"Mastodon",
					handle=f"{self.fresh_handle(person)}@{rng.choice(MASTODON_INSTANCES)}",
					display_name=self.name_variant(person),
					bio=f"Working at {second.base}",
					website=f"https://{second.domain}",
				),
				target.key,
			)

		# 12. Two contacts with the same name at one customer: must go to review.
		for company in rng.sample(self.companies, 25):
			person = self.person()
			first = self.add_contact(company, person, handles=[], email_style="company")
			self.add_contact(company, person, handles=[], email_style="company")
			self.add(
				"same_name_same_customer",
				ProfileFacts(
					"Bluesky",
					handle=f"{self.fresh_handle(person)}.bsky.social",
					display_name=person.full,
					website=f"https://{company.domain}",
				),
				first.key,
			)

		# 13. A colleague not in the CRM: company domain only -> the Customer (review at most).
		for company in rng.sample(self.companies, 40):
			person = self.person()
			while any(name_key(p.full) == name_key(person.full) for p in company.people):
				person = self.person()
			self.add(
				"colleague",
				ProfileFacts(
					"Mastodon",
					handle=f"{self.fresh_handle(person)}@{rng.choice(MASTODON_INSTANCES)}",
					display_name=person.full,
					email=f"{slug(person.first)}.{slug(person.last)}@{company.domain}",
				),
				company.customer.key,
			)

		# 14. Free-mail and platform domains only (parties have free-mail addresses too).
		free_mail_parties = [
			row for row in people if row[0].emails and row[0].emails[0].split("@")[1] in FREE_MAIL
		]
		for _ in range(50):
			person = self.person()
			other = rng.choice(free_mail_parties)[0] if free_mail_parties else None
			domain = other.emails[0].split("@")[1] if other else "gmail.com"
			handle = self.fresh_handle(person)
			self.add(
				"free_mail",
				ProfileFacts(
					"Reddit",
					handle=handle,
					display_name=rng.choice(["", person.first]),
					email=f"{handle}@{domain}",
					website=rng.choice(PLATFORM_SITES).format(h=handle),
					bio=f"Say hi: {handle}@{rng.choice(FREE_MAIL)}",
				),
				None,
			)

		# 15. Near-miss names: one letter off, a different person.
		for _party, person, company in rng.sample(people, 50):
			near = self.near_miss(person)
			if name_key(near.full) == name_key(person.full):
				continue
			if company is not None and rng.random() < 0.5:
				# A colleague with a similar name: the Customer is right, the Contact is not.
				if any(name_key(p.full) == name_key(near.full) for p in company.people):
					continue
				profile = ProfileFacts(
					"X",
					handle=self.fresh_handle(near),
					display_name=near.full,
					website=f"https://{company.domain}",
				)
				self.add("near_miss_colleague", profile, company.customer.key)
			else:
				profile = ProfileFacts(
					"X", handle=self.fresh_handle(near), display_name=near.full, email=self.free_mail(near)
				)
				self.add("near_miss", profile, None)

		# 16. A namesake at the same company who is not in the CRM (the Contact is somebody else).
		# Nothing tells them apart: the linker gets these wrong, and the set says so. Kept
		# rare (5), as in life: two people of one full name at one company, only one recorded.
		for _party, person, company in rng.sample(contacts, 5):
			if self.same_name_count(company, person) > 1:
				continue
			profile = ProfileFacts(
				"X",
				handle=self.fresh_handle(person),
				display_name=person.full,
				website=f"https://{company.domain}",
			)
			self.add("namesake_same_company", profile, company.customer.key)

		# 17. No signals at all.
		for _ in range(60):
			handle = self.fresh_handle()
			self.add(
				"no_signals",
				ProfileFacts(
					rng.choice(["Reddit", "Hacker News", "X"]),
					handle=handle,
					display_name=rng.choice(["", "🦊", "xX_gamer_Xx", "N."]),
					bio=rng.choice(FILLER_BIOS),
				),
				None,
			)

		# 18. Conflicting signals: handle of one party, email of another.
		pairs = [row for row in with_handles if self.raw_handle_of(row[0], row[1])]
		for party, person, _company in rng.sample(pairs, min(25, len(pairs))):
			other = rng.choice(people)[0]
			if other.key == party.key or not other.emails:
				continue
			platform, handle = self.raw_handle_of(party, person)
			self.add(
				"conflict",
				ProfileFacts(
					platform,
					handle=handle,
					display_name=self.name_variant(person),
					bio=f"mail: {other.emails[0]}",
				),
				party.key,
			)

		# 19. Leads with an organization: name plus the lead's website domain.
		org_leads = [row for row in self.leads if row[2]]
		for lead, person, domain in rng.sample(org_leads, min(40, len(org_leads))):
			profile = ProfileFacts(
				"Bluesky",
				handle=f"{self.fresh_handle(person)}.bsky.social",
				display_name=self.name_variant(person),
				website=f"https://www.{domain}",
			)
			self.add("lead_domain", profile, lead.key)

	def claim(self, rows, count: int):
		"""Up to ``count`` rows whose party has no handle yet and was not claimed before."""
		free = [row for row in rows if not row[0].handles and row[0].key not in self.claimed]
		chosen = self.rng.sample(free, min(count, len(free)))
		self.claimed.update(row[0].key for row in chosen)
		return chosen

	def same_name_count(self, company: Company | None, person: Person) -> int:
		if company is None:
			return 1
		return sum(1 for p in company.people if name_key(p.full) == name_key(person.full))

	def near_miss(self, person: Person) -> Person:
		last = ascii_fold(person.last)
		i = self.rng.randrange(1, max(2, len(last) - 1))
		replacement = self.rng.choice([c for c in "aeiourstnl" if c != last[i].lower()])
		return Person(person.first, last[:i] + replacement + last[i + 1 :])


def make_dataset(seed: int = 42) -> Dataset:
	"""Build the labelled data set for ``seed`` (deterministic)."""
	builder = _Builder(seed)
	builder.build_parties()
	builder.make_profiles()
	# Profiles are validated and normalized on creation; rebuild so normalization is applied
	# to handles set after construction.
	for labelled in builder.profiles:
		labelled.profile.__post_init__()
	return Dataset(builder.parties, builder.profiles, seed)


def filler_parties(count: int, seed: int = 7) -> list[PartyFacts]:
	"""Unrelated parties that only make the site bigger (for the scaling measurement)."""
	rng = random.Random(seed)
	parties = []
	for index in range(count):
		first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
		kind = ("Contact", "Lead", "Customer")[index % 3]
		name = f"FILL-{index:06d}"
		if kind == "Customer":
			parties.append(
				PartyFacts(
					kind, name, display_name=f"{last} Filler {index}", website=f"https://filler{index}-co.de"
				)
			)
		else:
			parties.append(
				PartyFacts(
					kind,
					name,
					display_name=f"{first} {last}",
					first_name=first,
					last_name=last,
					emails=[f"f{index}@filler{index // 7}-co.de"],
				)
			)
	return parties
