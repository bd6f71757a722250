"""What free text in this app must never keep: immigration status, A-numbers, SSNs and ITINs, birth dates, country
of origin and street addresses.

The families in this app may be targeted by immigration enforcement, and the app promises never to ask for their
status. A note is as easy to subpoena or seize as a field, so the free-text fields (intake notes, best times, the
name or alias, case notes, a partner's decline detail, follow-up notes, a phone answer's detail) refuse these too.
`find_forbidden(text)` says what is there and where; `no_forbidden_content` is the validator the forms and the
services use, with one message per kind found: what to remove, and why. The messages never repeat the text found:
they can be kept in the session (Django's messages), which must not hold it either.

Hand-written: PII detectors (Presidio, scrubadub) need large language models, know neither A-numbers nor status
words in Spanish, and cannot be told that "ICE detained her husband" is the very reason the family called.
These are plain patterns over the text folded to lower case without accents ("NACIÓ" ~ "nacio"), each listed below.

What is refused, and what is let through on purpose (a refusal at 2 a.m. must be worth it):

| refused | allowed | why |
|---|---|---|
| "A# 201-555-123", "A201555123", "número A 201 555 123", "alien number 201555123", a USCIS receipt "EAC2190012345" | "Lawyer needs his A-number to find him" (no number); "Llamar a 919 555 0142" (a phone: 10 digits) | the number identifies the family to enforcement; a mention of it does not |
| "123-45-6789" (SSN), "912-78-1234" (ITIN: starts with 9, never an SSN), "SSN 123456789" | "919-555-0142", "(919) 555-0142" (phones: 3-3-4 digits) | only the 3-2-4 shape, or 9 digits after "SSN", "social", "ITIN" |
| "DOB 3/4/1990", "nació el 3/4/1990", "born 1990", "cumpleaños el 3/4", "Ana 5/6/2015" (a full date 2 or more years back) | "court on 3/4", "audiencia el 12/5", "detained 11/20/2026", "ages 6 and 9", "tiene 35 años", "born last week" | a date near a birth word, or an old full date (court dates, check-ins and detentions are recent or to come); an age is enough |
| "nació en Honduras", "born in Durham", "es de Guatemala", "from El Salvador", "nacionalidad: hondureña" | "consulado de México", "Mexican consulate", "speaks Mam", "hondureña" alone, "money sent to Honduras" | the consulate is how a detained person is found; a demonym or a country alone does not say where someone is from |
| "123 Main St", "4501 N Roxboro Rd", "123 Calle Real", "Calle Principal 45", "Apt 4B", "apartamento 3" | "Apt. for rent", "2 court dates", "2 Dr appointments", "10 minute drive", "2 buses on the way", "vive en Durham" | a number then a street word (no "the", "on", "de"... between); the county is enough. An office's address is refused too: name the place |
| "undocumented", "sin papeles", "indocumentada", "no papers", "visa expired", "overstayed", "deportation order", "orden de deportación", "previously deported", "illegal entry", "entered the country illegally", "TPS", "DACA", "asylum case", "asilo", "green card", "residente permanente", "US citizen", "ciudadano", "estatus migratorio", "immigration status", "cruzó la frontera", "came to the U.S. in 2015", "work permit" | "ICE detained her husband", "detenido por la migra", "on an ICE hold", "ICE check-in Tuesday", "deportation defense lawyer", "fue deportado ayer", "immigration court", "the arrest was illegal", "ICE entered illegally", "residente de Durham", "asilo de ancianos", "court papers", "came to us through the hotline" | status is what the family has or lacks; a detention, a hearing, a check-in or a deportation is what happened and what they need help with |

The name or alias gets every kind: each needs digits or a phrase that no name or alias contains.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    A_NUMBER = "a_number"
    SSN = "ssn"
    ITIN = "itin"
    BIRTH_DATE = "birth_date"
    ORIGIN = "origin"
    ADDRESS = "address"
    STATUS = "status"


@dataclass(frozen=True)
class Finding:
    kind: Kind
    span: tuple[int, int]  # where it is in the text as typed: text[start:end]


MESSAGES = {
    Kind.A_NUMBER: _(
        "Remove the A-number: this app must not keep immigration case numbers, which could identify the family "
        "to enforcement."
    ),
    Kind.SSN: _(
        "Remove the Social Security number: this app must not keep it, as it identifies a person in government "
        "records."
    ),
    Kind.ITIN: _(
        "Remove the ITIN (taxpayer number): this app must not keep it, as it identifies a person in government "
        "records and hints at their immigration status."
    ),
    Kind.BIRTH_DATE: _(
        "Remove the date of birth: this app must not keep birth dates, which identify a person in government "
        "records. Write an age instead (and for other past dates, only the month and year)."
    ),
    Kind.ORIGIN: _(
        "Remove where the person was born or comes from: this app must not keep anyone's country of origin."
    ),
    Kind.ADDRESS: _(
        "Remove the street address: this app must not keep where the family lives. The county is enough; for an "
        "office or a court, write its name."
    ),
    Kind.STATUS: _(
        "Remove what it says about immigration status: this app never asks for it and must not keep it, so that "
        "nothing here can be used against the family. What happened (a detention, a hearing) is fine."
    ),
}


def _fold(text: str) -> tuple[str, list[int]]:
    """Lower case without accents, and for each folded character the index of the character it came from (folding
    can change the length: "ß" gives "ss"), so that a finding's span points into the text as typed."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for lower in part.casefold():
                folded.append(lower)
                origin.append(index)
    return "".join(folded), origin


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


_DASH = "\\-\u2010-\u2015"  # for character classes: a hyphen and the Unicode dashes
# 8 or 9 digits, with spaces, dashes or dots between groups: 201-555-123, 201 555 123, 20155512.
_CASE_DIGITS = rf"\d(?:[\s{_DASH}.]?\d){{7,8}}(?!\d)"

# --- A-numbers and USCIS receipt numbers -------------------------------------------------------------------------
_A_NUMBER = re.compile(
    r"(?<!\w)"
    + _words(
        r"a\s*#",
        r"a[\s-]?(?:number|num\b\.?|no\b\.?)",
        r"alien\s+(?:registration\s+)?(?:number|num\b\.?|no\b\.?|#)",
        r"numero\s+(?:de\s+)?(?:a|extranjero|alien|registro\s+de\s+extranjero)\b",
        r"uscis\s*(?:number|numero|#|no\b\.?)",
        r"a[\s-]?file",
    )
    + rf"[\s:#.=]*(?:(?:is|es|was|era)\s+)?(?:a\s*[{_DASH}#]?\s*)?{_CASE_DIGITS}"
)
# "A201555123", "A-201-555-123", "A# 201555123"; "A 201 555 123" only with a capital A ("a" is a Spanish word).
_A_BARE = re.compile(rf"(?<![\w#])a(?P<sep>\s*[{_DASH}#]\s*|\s?){_CASE_DIGITS}")
_RECEIPT = re.compile(r"\b(?:eac|wac|lin|src|nbc|msc|ioe|ysc|tsc|vsc|nsc|csc)[\s-]?\d{10}\b")

# --- SSN and ITIN --------------------------------------------------------------------------------------------------
_SSN = re.compile(rf"(?<![\d{_DASH}/.])\d{{3}}(?P<sep>[\s{_DASH}.])\d{{2}}(?P=sep)\d{{4}}(?![\d{_DASH}/])")
_SSN_IN_CONTEXT = re.compile(
    r"(?<!\w)(?:ssn|ss\s*#|social(?:\s+security)?|seguro\s+social|itin|tax\s*id|tin)(?!\w)[^\d\n]{0,20}"
    r"(?P<number>\d{9})(?!\d)"
)

# --- Dates of birth -----------------------------------------------------------------------------------------------
_MONTHS = _words(
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre",
    "octubre", "noviembre", "diciembre", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", r"jan\.?", r"feb\.?", r"mar\.?", r"apr\.?",
    r"jun\.?", r"jul\.?", r"aug\.?", r"sept?\.?", r"oct\.?", r"nov\.?", r"dec\.?", r"ene\.?", r"abr\.?",
    r"ago\.?", r"dic\.?",
)  # fmt: skip
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    "(?<![\\w/.-])"
    + _words(
        # 3/4/1990, 3-4-90, 3.4.1990, 3/4 (a year is optional only with slashes)
        r"\d{1,2}/\d{1,2}(?:/(?P<y1>\d{4}|\d{2}))?(?![\d/])",
        rf"\d{{1,2}}[{_DASH}.]\d{{1,2}}[{_DASH}.](?P<y2>\d{{4}}|\d{{2}})(?!\d)",
        rf"(?P<y3>{_YEAR})-\d{{1,2}}-\d{{1,2}}\b",
        # 4 de marzo de 1990, 4 March 1990, March 4th, 1990, marzo 4
        rf"\d{{1,2}}\s+(?:de\s+)?{_MONTHS}(?!\w)(?:,?\s+(?:de(?:l)?\s+)?(?P<y4>{_YEAR}))?",
        rf"{_MONTHS}(?!\w)\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+(?:de(?:l)?\s+)?(?P<y5>{_YEAR}))?",
    )
)
_BIRTH_WORD = re.compile(
    r"(?<!\w)"
    + _words(
        r"born",
        r"birth\s*date",
        r"birthday",
        r"date\s+of\s+birth",
        r"d\.?o\.?b\b\.?",
        r"b-?day",
        r"naci(?:o|da|do|dos|das|mos|eron)?",
        r"(?:fecha|ano|lugar)\s+de\s+nac(?:imiento\b|\.)",
        r"(?<!acta\sde\s)(?<!partida\sde\s)(?<!certificado\sde\s)nacimiento",  # not a birth certificate
        r"f\.\s*nac\b\.?",
        r"cumpleanos",
        r"cumple\s+\d{1,2}\s+anos",
    )
    + r"(?!\w)"
)
# "born 1990", "nació en 1990", "DOB: 1990", "born in March"
_BIRTH_YEAR = re.compile(
    _BIRTH_WORD.pattern
    + rf"\s*:?\s*(?:(?:in|en|on|el|del?)\s+)?(?:(?:el\s+)?ano\s+)?(?:{_YEAR}\b|{_MONTHS}(?!\w))"
)
_NEAR_BEFORE = 40  # characters from a birth word to the date after it: "nació en Honduras el 3/4/1990"
_NEAR_AFTER = 20  # from a date to the birth word after it: "3/4/1990 (DOB)"
_SENTENCE_END = re.compile(r"[;\n]|\.\s")

# --- Country of origin --------------------------------------------------------------------------------------------
_COUNTRIES = _words(
    "mexico", "guatemala", "honduras", "el salvador", "salvador", "nicaragua", "costa rica", "panama",
    "colombia", "venezuela", "ecuador", "peru", "bolivia", "chile", "argentina", "uruguay", "paraguay",
    "brasil", "brazil", "cuba", "haiti", "republica dominicana", "dominican republic", "santo domingo",
    "puerto rico", "jamaica", "belice", "belize", "india", "china", "vietnam", "filipinas", "philippines",
    "ucrania", "ukraine", "rusia", "russia", "afganistan", "afghanistan", "siria", "syria", "congo",
    "nigeria", "ghana", "senegal", "mauritania", "somalia", "eritrea", "etiopia", "ethiopia", "camerun",
    "cameroon", "myanmar", "burma", "nepal", "bangladesh", "pakistan", "iran", "irak", "iraq", "yemen",
    "sudan", "estados unidos", "united states", r"ee\.?\s?uu\.?", "usa", "oaxaca", "chiapas", "michoacan",
    "veracruz", "jalisco", "zacatecas", "guanajuato", "yucatan", "tabasco", "tegucigalpa", "san pedro sula",
    "huehuetenango", "quetzaltenango",
)  # fmt: skip
_NOT_A_PLACE = (
    rf"(?:{_MONTHS}(?!\w)|\d"
    r"|(?:last|this|early|late|hace|ayer|este|esta|el\s+ano|the\s+(?:summer|spring|fall|winter))\b)"
)
# Not "consulado de México" nor "the Mexican consulate": the consulate is how a detained person is found.
_NOT_A_CONSULATE = r"(?!\w)(?!'s\s+consulate|\s+consulate|\s+embassy)"
_ORIGIN = re.compile(
    r"(?<!\w)"
    + _words(
        # Where someone was born: anywhere (born in Durham says citizen as loudly as born in Honduras says not).
        rf"(?:born|naci(?:o|da|do|dos|das|mos|eron)?)\s+(?:in|en)\s+(?!{_NOT_A_PLACE})\w+",
        r"(?:nacionalidad|nationality|country\s+of\s+origin|pais\s+de\s+origen|place\s+of\s+birth|birthplace"
        r"|lugar\s+de\s+nacimiento)(?!\w)",
        # Where they come from: a country (or a region of one), not "es de Durham".
        rf"(?:native\s+of|(?:(?:is|are|was|were|comes?|came|originally)\s+)?from)\s+(?:the\s+)?{_COUNTRIES}"
        + _NOT_A_CONSULATE,
        r"(?:es|son|era|eran|viene|vienen|vino|vinieron|originari[oa]s?|natural(?:es)?|oriund[oa]s?)\s+de\s+"
        rf"(?:la\s+|el\s+)?{_COUNTRIES}(?!\w)",
    )
)

# --- Street addresses ---------------------------------------------------------------------------------------------
# Words that are never part of a street's name between the house number and the street word: "2 buses on the
# way", "10 minute drive", "1 more way".
_NOT_A_STREET_NAME = _words(
    "the", "on", "to", "in", "at", "a", "an", "and", "or", "for", "of", "by", "with", "from", "de", "la", "el",
    "los", "las", "en", "y", "o", "por", "para", "con", "del", "al", "su", "sus", "his", "her", "their", "my",
    "is", "are", "was", "this", "that", "he", "she", "they", "we", "you", "it", "more", "other", "another",
    "only", "one", "same", "best", "easy", "min", "mins", "minute", "minutes", "minuto", "minutos", "hour",
    "hours", "hr", "hrs", "hora", "horas", "mile", "miles", "mi", "milla", "millas", "km", "block", "blocks",
    "cuadra", "cuadras", "kid", "kids", "nino", "ninos", "day", "days", "dia", "dias", "week", "weeks",
    "semana", "semanas", "off", "near", "past", "exit", "salida", "cerca",
)  # fmt: skip
_NUMBER = rf"(?<![\w/.#{_DASH}$])\d{{1,6}}[a-z]?"
# "123 Main St", "4501 N Roxboro Rd": a street word after the street's name (at least one word: "2 Dr visits",
# "1 way ticket" have none), and not followed by what makes it a doctor or a court ("2 Dr appointments").
_ADDRESS = re.compile(
    rf"{_NUMBER}(?:\s+(?!{_NOT_A_STREET_NAME}(?!\w))[\w'.]+){{1,4}}?\s+"
    + _words(
        "st", "street", "ave", "avenue", "av", "rd", "road", "blvd", "boulevard", "dr", "drive", "lane", "ln",
        "ct", "way", "hwy", "highway", "pkwy", "parkway", "cir", "circle", "trl", "trail",
    )
    + r"(?!\w)\.?"
    + r"(?!\s*(?:appointments?|appts?|visits?|office|notes?|dates?|hearings?|orders?|papers?|tickets?)\b)"
)  # fmt: skip
# "123 Calle Real", "45 Camino Viejo": the Spanish street word comes first, then its name.
_ADDRESS_SPANISH = re.compile(rf"{_NUMBER}\s+(?:calle|avenida|av\.|camino|carretera)\s+[a-z]")
# "Calle Principal 45", "Avenida Juárez #12": the number last, then nothing but the end, a comma or a unit.
_ADDRESS_NUMBER_LAST = re.compile(
    r"\b(?:calle|avenida|av\.?)\s+(?:[a-z][\w'.]*\s+){1,3}(?:#\s*|no\.?\s*|numero\s+)?\d{1,6}[a-z]?\b"
    r"(?=\s*(?:$|[,.;)\n]|apt|apto|int|interior|depto|#))"
)
# "Apt 4B", "apartamento 3", "traila 12"; not "apt 3 pm" (an appointment) nor "apartment 2 bedrooms".
_UNIT = re.compile(
    r"\b(?:apt|apto|apartment|apartamento|depto|departamento|unit|trailer|traila|lote)\b\.?\s*"
    r"(?:#|no\.?|num\.?|number|numero)?\s*\d{1,5}[a-z]?\b(?![/:.]\d)"
    r"(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|de\s+la|bedrooms?|br|bd|rooms?|beds?|cuartos?|recamaras?|habitaciones?"
    r"|dormitorios?)\b)"
)

# --- Immigration status -------------------------------------------------------------------------------------------
# The United States, not the pronoun: "came to the U.S.", "llegó a Estados Unidos", never "came to us".
_US = (
    r"(?:the\s+)?u\.\s?s\.(?:\s?a\.?)?|the\s+u\.?s\.?a?(?!\w)|usa(?!\w)|(?:the\s+)?united\s+states|the\s+states"
    r"|estados\s+unidos|ee\.?\s?uu\.?|eeuu|eua(?!\w)"
)
_STATUS = re.compile(
    r"(?<!\w)"
    + _words(
        # English
        r"undocumented",
        r"illegal(?:ly)?\s+(?:aliens?|immigrants?|migrants?|status|re-?entry|entry|border\s+crossing)",
        r"(?:here|in\s+the\s+(?:country|us|u\.s\.))\s+illegally",
        r"(?:came|crossed|lives?|living|stay(?:s|ed|ing)?)\s+(?:here\s+)?illegally",
        rf"entered\s+(?:{_US}|the\s+country)\s+(?:illegally|without)",
        r"(?:entered|came\s+in)\s+without\s+(?:papers|inspection|documents|a\s+visa)",
        r"without\s+inspection",
        r"ewi",
        r"(?:no|without|has\s+no|lacks?)\s+(?:legal\s+)?papers",
        r"(?:without|has\s+no|lacks?)\s+(?:legal\s+)?status|no\s+legal\s+status",
        r"has\s+papers(?!\s+(?:from|for|to|de)\b)",
        r"out\s+of\s+status",
        r"(?:has\s+no|doesn'?t\s+have|does\s+not\s+have|without|no)(?:\s+an?)?\s+(?:ssn|social\s+security)",
        r"(?:he|she|they|dad|mom|husband|wife)\s+(?:is|are|was|were)\s+illegal",
        r"entered\s+illegally\s+(?:in\s+(?:19|20)\d\d|as\s+a|when|through|from)",
        r"(?:immigration|legal|migratory|immigrant|residency)\s+status",
        r"(?:expired|tourist|student|work|u|t|h-?2a|h-?2b|b-?2|f-?1|k-?1)\s+visas?",
        r"visas?\s+(?:expired|overstay\w*|ran\s+out)",
        r"overst(?:ay|ayed|ays|aying)",
        r"(?:deportation|removal)\s+orders?",
        r"(?:final\s+)?orders?\s+of\s+(?:deportation|removal)",
        r"(?:previously|already\s+been|was\s+already|prior)\s+(?:deported|removed|deportation|removal)",
        r"deported\s+(?:before|previously|twice|once\s+before|in\s+(?:19|20)\d\d)",
        r"re-?entry\s+after\s+(?:deportation|removal)",
        r"tps",
        r"daca",
        r"dacamented",
        r"dreamers?",
        r"asylum",
        r"asylee",
        r"refugees?",
        r"green[\s-]*cards?",
        r"(?:permanent|legal)\s+residen(?:t|ts|ce|cy)",
        r"lawful\s+permanent",
        r"lpr",
        r"residency",
        r"(?<!senior\s)citizens?",
        r"citizenship",
        r"naturaliz(?:ed|ation)",
        r"work\s+(?:permit|authorization)",
        r"employment\s+authorization",
        r"ead",
        r"aliens?",
        r"cross(?:ed|ing)?\s+(?:the\s+)?(?:border|rio\s+grande|river|desert)",
        r"border\s+crossing",
        r"coyotes?",
        rf"(?:came|arrived|moved|entered)\s+(?:to|in|into)?\s*(?:{_US})",
        r"cbp\s*one",
        r"parole\s+humanitari[oa]|humanitarian\s+parole",
        r"vawa",
        r"sijs",
        r"special\s+immigrant\s+juvenile",
        r"cancellation\s+of\s+removal",
        r"voluntary\s+departure",
        r"i-?(?:130|131|140|485|589|765|821d?|360|912|914|918|94)\b",
        # Spanish
        r"indocumentad[oa]s?",
        r"sin\s+(?:papeles|documentos|estatus|status|visa)",
        r"no\s+tiene(?:n)?\s+(?:papeles|documentos|estatus|status|visa)",
        r"tiene(?:n)?\s+papeles(?!\s+de)",
        r"(?:arreglar|arreglo|arreglando|arreglo\s+de)\s+(?:sus\s+|los\s+|de\s+)?papeles",
        r"papeles\s+(?:vencidos|en\s+tramite)",
        r"(?:estatus|status|estado|situacion|condicion)\s+(?:migratori[oa]|legal|de\s+inmigracion)",
        r"inmigrantes?\s+ilegal(?:es)?",
        # Not "está ilegalmente detenido" nor "detenido ilegalmente aquí": a wrongful detention is what happened.
        r"(?:esta|estan|aqui|aca)\s+(?:aqui\s+|aca\s+)?ilegal(?:es)?",
        r"(?:vive|viven|vino|vinieron|llego|llegaron|cruzo|cruzaron)\s+(?:aqui\s+|aca\s+)?ilegal(?:es|mente)?",
        rf"ilegal(?:es)?\s+(?:aqui|aca|en\s+(?:el\s+pais|este\s+pais|{_US}))",
        r"(?:el|ella|ellos|ellas|papa|mama|esposo|esposa)\s+(?:es|son|esta|estan)\s+ilegal(?:es)?",
        r"(?:vino|vinieron|llego|llegaron|paso|pasaron|entro|entraron|es|son)\s+mojad[oa]s?",
        r"(?:paso|pasaron|cruzo|cruzaron)\s+(?:por\s+)?el\s+(?:desierto|rio\s+bravo|rio\s+grande)",
        rf"(?:entro|entraron)\s+(?:al\s+pais|a\s+(?:los\s+)?(?:{_US}))\s+(?:ilegal(?:mente)?|sin)",
        r"(?:entro|entraron|vino|vinieron|llego|llegaron)\s+(?:sin\s+papeles|sin\s+documentos|ilegal(?:mente)?)",
        rf"(?:entro|entraron|vino|vinieron|llego|llegaron)\s+(?:a|al)\s+(?:los\s+)?(?:{_US}|pais\b|este\s+pais)",
        r"visas?\s+(?:vencida|vencidas|expirada|expiradas|de\s+turista|de\s+trabajo|de\s+estudiante|u|t)\b",
        r"se\s+(?:le\s+)?vencio\s+(?:la\s+)?visa",
        r"orden(?:es)?\s+(?:final\s+)?de\s+(?:deportacion|remocion|expulsion)",
        r"(?:ya\s+)?(?:fue|habia\s+sido|ha\s+sido)\s+deportad[oa]\s+(?:antes|anteriormente|previamente|dos\s+veces)",
        r"deportad[oa]s?\s+(?:antes|anteriormente|previamente)",
        r"(?:deportacion|remocion)\s+(?:previa|anterior)",
        r"reingreso\s+ilegal",
        r"asilo(?!\s+(?:de|para)\s+(?:ancianos|adultos|la\s+tercera))",
        r"asilad[oa]s?",
        r"refugiad[oa]s?",
        r"tarjeta\s+verde",
        r"residen(?:te|tes|cia)\s+(?:permanente|legal)(?:es)?",
        r"(?:tiene|tienen|sacar|saco|pidio|pidiendo|tramite\s+de|tramitando|aplico\s+(?:a|para)|aplicar\s+(?:a|para)"
        r"|con|negaron|nego|niegan|solicitud\s+de|solicito|solicitar|obtener|obtuvo|consiguio|conseguir)\s+"
        r"(?:la\s+|su\s+)?residencia",
        r"ciudadan(?:o|a|os|as|ia)",
        r"naturalizad[oa]s?",
        r"permiso\s+de\s+trabajo",
        r"autorizacion\s+de\s+(?:empleo|trabajo)",
        r"(?:cruzo|cruzaron|cruzamos|cruzar|cruce|paso|pasaron)\s+(?:la\s+)?(?:frontera|linea|el\s+rio)",
        r"(?:sin|no\s+tiene(?:n)?)\s+(?:seguro\s+)?social",
    )
    + r"(?!\w)"
)


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    if year < 100:
        # A two-digit year is this century's unless that would put it in the future.
        year += 2000 if 2000 + year <= timezone.localdate().year else 1900
    return year


def _birth_dates(folded: str) -> list[tuple[int, int]]:
    spans = [match.span() for match in _BIRTH_YEAR.finditer(folded)]
    words = [match.span() for match in _BIRTH_WORD.finditer(folded)]
    old = timezone.localdate().year - 2
    for match in _DATE.finditer(folded):
        start, end = match.span()
        year = _year(next((y for y in match.group("y1", "y2", "y3", "y4", "y5") if y), None))
        near = any(
            (0 <= start - word_end <= _NEAR_BEFORE and not _SENTENCE_END.search(folded, word_end, start))
            or (0 <= word_start - end <= _NEAR_AFTER and not _SENTENCE_END.search(folded, end, word_start))
            for word_start, word_end in words
        )
        if near or (year is not None and year <= old):
            spans.append((start, end))
    return spans


def _spans(folded: str) -> list[tuple[Kind, tuple[int, int]]]:
    found: list[tuple[Kind, tuple[int, int]]] = []
    for pattern in (_A_NUMBER, _RECEIPT):
        found += [(Kind.A_NUMBER, match.span()) for match in pattern.finditer(folded)]
    for match in _A_BARE.finditer(folded):
        found.append((Kind.A_NUMBER, match.span()))
    for match in _SSN.finditer(folded):
        found.append((Kind.ITIN if match.group().startswith("9") else Kind.SSN, match.span()))
    for match in _SSN_IN_CONTEXT.finditer(folded):
        kind = Kind.ITIN if match.group("number").startswith("9") else Kind.SSN
        found.append((kind, match.span("number")))
    found += [(Kind.BIRTH_DATE, span) for span in _birth_dates(folded)]
    found += [(Kind.ORIGIN, match.span()) for match in _ORIGIN.finditer(folded)]
    for pattern in (_ADDRESS, _ADDRESS_SPANISH, _ADDRESS_NUMBER_LAST, _UNIT):
        found += [(Kind.ADDRESS, match.span()) for match in pattern.finditer(folded)]
    found += [(Kind.STATUS, match.span()) for match in _STATUS.finditer(folded)]
    return found


def find_forbidden(text: str) -> list[Finding]:
    """Everything in `text` this app must not keep, in the order it appears (one finding per kind and place)."""
    folded, origin = _fold(text or "")
    findings = set()
    for kind, (start, end) in _spans(folded):
        if kind == Kind.A_NUMBER and folded[start] == "a":
            # A bare "a 201 555 123" (a plain space, no # or dash) is an A-number only with a capital A.
            bare = _A_BARE.match(folded, start)
            if bare and bare.group("sep") == " " and text[origin[start]] != "A":
                continue
        findings.add(Finding(kind, (origin[start], origin[end - 1] + 1)))
    return sorted(findings, key=lambda finding: (finding.span, finding.kind))


def no_forbidden_content(text: str) -> None:
    """Validator: refuse a text with anything `find_forbidden` finds, one message per kind, in the person's
    language, saying what to remove and why (never repeating it)."""
    kinds = list(dict.fromkeys(finding.kind for finding in find_forbidden(text)))
    if kinds:
        raise ValidationError([ValidationError(MESSAGES[kind], code=f"forbidden_{kind}") for kind in kinds])
