"""What a volunteer or a partner types on a raid night: what the app refuses to keep, and what it must let through.

Each refused sentence names the kind it must be refused for; each accepted one must come back with no finding.
"""

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils.functional import Promise

from core.forbidden import MESSAGES, Kind, find_forbidden, no_forbidden_content


@pytest.fixture(autouse=True)
def december_2026():
    """An old full date counts as a birth date (2 or more years back): the corpus is written in December 2026."""
    with time_machine.travel(datetime(2026, 12, 5, 12), tick=False):
        yield


A_NUMBER, SSN, ITIN, BIRTH, ORIGIN, ADDRESS, STATUS = (
    Kind.A_NUMBER,
    Kind.SSN,
    Kind.ITIN,
    Kind.BIRTH_DATE,
    Kind.ORIGIN,
    Kind.ADDRESS,
    Kind.STATUS,
)

REFUSED = [
    # A-numbers and other immigration case numbers
    ("A# 201-555-123", A_NUMBER),
    ("His A-number is 201555123, lawyer needs it", A_NUMBER),
    ("A number: 201 555 123", A_NUMBER),
    ("Número A 201-555-123 para buscarlo en el localizador", A_NUMBER),
    ("numero de extranjero 087654321", A_NUMBER),
    ("Dad's A201555123, detained at Stewart", A_NUMBER),
    ("Alien number 98765432 from the ICE paper", A_NUMBER),
    ("Papá A-201-555-123 en Stewart", A_NUMBER),
    ("Write down A 201 555 123 for the locator", A_NUMBER),
    ("a#087654321", A_NUMBER),
    ("USCIS receipt EAC2190012345", A_NUMBER),
    ("Alien registration no. 201555123", A_NUMBER),
    # SSN and ITIN
    ("SSN 123-45-6789", SSN),
    ("Seguro social 123-45-6789 para el trabajo", SSN),
    ("Her social is 123 45 6789", SSN),
    ("SS# 123456789", SSN),
    ("ITIN 912-78-1234 for taxes", ITIN),
    ("Tiene ITIN 987-88-6543", ITIN),
    ("Numero 912 70 1234 del IRS", ITIN),
    ("tax id 912781234", ITIN),
    # Dates of birth
    ("DOB 3/4/1990", BIRTH),
    ("Nació el 3/4/1990", BIRTH),
    ("Mom born 04/03/1988, works nights", BIRTH),
    ("Fecha de nacimiento: 12 de mayo de 1985", BIRTH),
    ("Date of birth March 4, 1990", BIRTH),
    ("Nacido el 15-08-1979", BIRTH),
    ("Nacida el 1.2.2001 según la tía", BIRTH),
    ("Cumpleaños del niño el 3/4, quiere pastel", BIRTH),
    ("El niño cumple 7 años el 12/5", BIRTH),
    ("born 1990", BIRTH),
    ("nació en 1985 según su hermana", BIRTH),
    ("Baby born in March, needs formula", BIRTH),
    ("Hijos: Ana 5/6/2015, Luis 2/3/2018", BIRTH),
    ("Dad 1978-11-02 per the jail roster", BIRTH),
    ("3/4/1990 (DOB)", BIRTH),
    ("D.O.B. 7/7/77", BIRTH),
    ("birthday 11/2", BIRTH),
    ("Oldest son 9/14/2012, youngest 2/2/2020", BIRTH),
    ("Lost job on 4 de marzo de 2019", BIRTH),
    # Country of origin
    ("Nació en Honduras", ORIGIN),
    ("Born in Guatemala, speaks Mam", ORIGIN),
    ("Family is from El Salvador", ORIGIN),
    ("La familia es de Guatemala", ORIGIN),
    ("Son de México, llegaron hace poco", ORIGIN),
    ("Nacionalidad: hondureña", ORIGIN),
    ("Dad from Mexico detained at the plant", ORIGIN),
    ("Country of origin Venezuela", ORIGIN),
    ("Originaria de Oaxaca, habla mixteco", ORIGIN),
    ("Kids were born in Durham", ORIGIN),
    ("Los niños nacieron en Carolina del Norte", ORIGIN),
    ("Viene de Honduras con sus dos hijos", ORIGIN),
    ("originally from the Dominican Republic", ORIGIN),
    # Street addresses
    ("Vive en 123 Main St.", ADDRESS),
    ("Family at 4501 N Roxboro Rd, Durham", ADDRESS),
    ("Kids staying at 88 Elm Street with aunt", ADDRESS),
    ("Drop food at 12 Oak Lane", ADDRESS),
    ("1400 Martin Luther King Jr Blvd", ADDRESS),
    ("Casa en 123 Calle Real", ADDRESS),
    ("Vive en Calle Principal 45, cerca de la iglesia", ADDRESS),
    ("Apt 4B", ADDRESS),
    ("apartamento 3, tocar fuerte", ADDRESS),
    ("Traila 12 en el parque de trailas", ADDRESS),
    ("300 Pine Ave apt. 2", ADDRESS),
    ("Bring diapers to 7 Holly Ct", ADDRESS),
    ("Meet at 210 Hillsborough Hwy", ADDRESS),
    ("Is at 55 Camino Viejo", ADDRESS),
    ("Avenida Juárez #12", ADDRESS),
    ("Lives at 9 Cedar Way", ADDRESS),
    ("The trailer is at 1200 Old Oxford Road", ADDRESS),
    ("Unit 5 in the back", ADDRESS),
    # Immigration status, English
    ("Undocumented, no lawyer yet", STATUS),
    ("Dad is undocumented, mom has TPS", STATUS),
    ("No papers, afraid to go to the clinic", STATUS),
    ("Visa expired in 2019", STATUS),
    ("Overstayed a tourist visa", STATUS),
    ("Has a deportation order from 2018", STATUS),
    ("Previously deported, lawyer says bond is hard", STATUS),
    ("Charged with illegal entry", STATUS),
    ("He entered the country illegally", STATUS),
    ("DACA recipient, renewal due", STATUS),
    ("Asylum case pending in Charlotte", STATUS),
    ("Mom has a green card, dad does not", STATUS),
    ("Kids are US citizens", STATUS),
    ("Wants to know her immigration status options", STATUS),
    ("crossed the border last year", STATUS),
    ("Came to the U.S. in 2015", STATUS),
    ("Has no legal status", STATUS),
    ("Work permit expired", STATUS),
    ("Illegal immigrant per the neighbor", STATUS),
    ("Here illegally since 2010", STATUS),
    ("Permanent resident, lost card in raid", STATUS),
    ("Applied for asylum last year", STATUS),
    ("Refugee from the war", STATUS),
    ("entered without inspection", STATUS),
    ("Out of status since March", STATUS),
    ("Filed I-589 in 2023", STATUS),
    # Immigration status, Spanish
    ("Sin papeles.", STATUS),
    ("Es indocumentada, tiene miedo", STATUS),
    ("No tiene papeles, trabaja en la construcción", STATUS),
    ("Tiene orden de deportación", STATUS),
    ("Estatus migratorio: ninguno", STATUS),
    ("Entró sin papeles en 2016", STATUS),
    ("Cruzó la frontera hace dos años", STATUS),
    ("Es residente permanente", STATUS),
    ("Los niños son ciudadanos", STATUS),
    ("No es ciudadano", STATUS),
    ("Tiene caso de asilo en Charlotte", STATUS),
    ("Visa vencida desde 2020", STATUS),
    ("Está ilegal, no maneja", STATUS),
    ("Llegó a Estados Unidos en 2014", STATUS),
    ("Tiene TPS de Honduras", STATUS),
    ("Quiere arreglar papeles", STATUS),
    ("Sin estatus, no puede trabajar", STATUS),
    ("Ya fue deportado antes, lo agarraron otra vez", STATUS),
    ("Tiene tarjeta verde", STATUS),
    ("Situación migratoria complicada", STATUS),
    ("Pagó al coyote 8000", STATUS),
    ("Sin seguro social, trabaja en efectivo", STATUS),
    ("Tiene permiso de trabajo vencido", STATUS),
    ("Mamá es DACA", STATUS),
    ("INDOCUMENTADOS LOS DOS", STATUS),
]

ACCEPTED = [
    # The detention itself: the very reason the family called
    "Dad detained by ICE at work this morning, kids with aunt",
    "ICE detained her husband at the Durham plant",
    "Mamá detenida en la redada de Durham",
    "Papá detenido por la migra en la mañana",
    "La migra se llevó al papá en la parada del bus",
    "Husband on an ICE hold at Alamance County jail",
    "ICE detainer at Wake jail, family needs bond money",
    "Detained at Stewart, transferred last night",
    "Fue deportado ayer, la familia necesita comida",
    "Was deported this morning, mom alone with 3 kids",
    "Needs a deportation defense lawyer",
    "Necesita abogado de inmigración urgente",
    "Immigration court hearing next week",
    "Audiencia en la corte de inmigración en Charlotte",
    "ICE check-in Tuesday, needs a ride and someone to go with her",
    "Cita con ICE el martes, necesita acompañamiento",
    "Necesita abogado para audiencia el 12/5",
    "Court on 3/4",
    "Court date 1/15/2027 in Charlotte",
    "Detained 11/20/2026 at the worksite",
    "Bond hearing Friday, family has $2,000 so far",
    "Fianza de 5000, tienen 1500",
    "The arrest was illegal, no warrant shown",
    "ICE entered illegally, no warrant",
    "ICE entró sin orden judicial",
    "Detención ilegal según el abogado",
    "In removal proceedings, lawyer not yet assigned",
    "Caso de inmigración: necesita abogado",
    "Lawyer needs his A-number to find him; family has it at home",
    "Use the ICE detainee locator with his name",
    "Call the Mexican consulate about locating him",
    "Consulado de Honduras ya sabe",
    "Guatemalan consulate visit Thursday",
    "Mandar dinero a Honduras no es posible ahora",
    "Speaks Mam and some Spanish",
    "Habla k'iche', necesita intérprete",
    # Contact and times
    "Two kids, ages 6 and 9; call after 6pm",
    "call after 6pm",
    "Mornings before 8, not weekends",
    "Después de las 6 de la tarde",
    "Text only, husband's phone is with ICE",
    "Solo mensajes de texto, no llamar",
    "New number 919-555-0199",
    "Llamar a 919 555 0142",
    "Call (919) 555-0142 after 5",
    "Nuevo número +1 919 555 0142",
    "Best: 7pm-9pm",
    "Entre 12 y 1",
    # Family and needs
    "Tiene 35 años, tres hijos",
    "Kids 2, 5 and 11; the 11-year-old has asthma",
    "Baby born last week, needs diapers and formula",
    "Newborn, needs a car seat",
    "Bebé de 3 meses, necesita pañales",
    "Needs food for 5 people",
    "Necesita comida para 5 personas",
    "Rent due on the 1st, $950",
    "Renta vence el 1 de diciembre",
    "Looking for apartment 2 bedrooms near the school",
    "Apt. for rent near Durham, family looking",
    "Needs an apartment, evicted",
    "Busca apartamento de 2 cuartos",
    "Lives in Durham County",
    "Vive en Durham, cerca de la escuela",
    "Vive en la calle, sin casa desde el arresto",
    "Residente de Durham desde hace años",
    "Asilo de ancianos donde trabaja la abuela",
    "Necesita refugio esta noche",
    "El Refugio can take the food request",
    "Brought the court papers to the office",
    "Tiene papeles de la corte para la cita",
    "Family came to us through the hotline",
    "Came to the office at 3",
    "Vinieron a la oficina ayer",
    "Llegó a la casa de la tía",
    "Kids crossed the street to the neighbor's",
    "Took 2 buses on the way to the hearing",
    "2 buses on the way",
    "10 minute drive from the courthouse",
    "2 Dr appointments this week",
    "Has 2 court dates",
    "Needs a ride 3 hours each way",
    "Apt 3 pm with the lawyer",
    "apt 12/5 con el abogado",
    "Camino 3 millas a la tienda",
    "En la avenida esperaron 3 horas",
    "Van 2 en camino",
    "3 de la tarde",
    "Senior citizen neighbor watching the kids",
    "Social worker at the school knows the kids",
    "Trabajadora social de la escuela ayuda",
    "Needs social security office visit for the baby's card? ask lawyer first",
    "No status update from the partner yet",
    "Status of the bond: pending",
    "Estado del caso: abierto",
    "Visa gift card $200 given for groceries",
    "Tarjeta Visa de regalo para comida",
    "School liaison to talk with the teacher Monday",
    "Unpaid wages: 3 weeks at the poultry plant",
    "Salarios no pagados, 3 semanas",
    "Counselling for the 9-year-old, nightmares",
    "Terapia para los niños después de la redada",
    "Know your rights training for the neighbors",
    "Guardianship papers for the kids if mom is detained",
    "Plan de emergencia familiar para los niños",
    "Lawyer at El Centro called back, meeting Friday",
    "Waiting since March 2019 for the work injury case",
    "Family in the US for years, all kids in school here",
    "Interpreter needed: Mixteco",
    "Ride to court on I-40, leaves at 7",
    "Trabaja en la planta de pollo desde 2015",
    "ICE se llevó el pasaporte",
    "Dad is at Stewart Detention Center",
    "Papá en el centro de detención de Stewart",
    "Está ilegalmente detenido, dice el abogado",
    "Lo tienen detenido ilegalmente aquí en Durham",
    "Necesita acta de nacimiento de los niños antes del 12/15",
    "Exit 270 off Hwy 40, meet at the gas station",
]


@pytest.mark.parametrize(("text", "kind"), REFUSED, ids=[text for text, _ in REFUSED])
def test_it_refuses(text, kind):
    found = {finding.kind for finding in find_forbidden(text)}
    assert kind in found, f"{kind} not found in {text!r}: {found}"


@pytest.mark.parametrize("text", ACCEPTED)
def test_it_accepts(text):
    found = [(finding.kind, text[slice(*finding.span)]) for finding in find_forbidden(text)]
    assert found == []


def test_the_corpus_is_large_enough_and_has_no_duplicates():
    assert len(REFUSED) >= 100 and len(ACCEPTED) >= 100
    texts = [text for text, _ in REFUSED] + ACCEPTED
    assert len(texts) == len(set(texts))
    assert {kind for _, kind in REFUSED} == set(Kind)


def test_each_finding_points_at_what_was_typed_accents_and_case_included():
    text = "A# 201-555-123. NACIÓ en Honduras el 3/4/1990. Vive en 123 Main St. Sin papeles."
    found = [(finding.kind, text[slice(*finding.span)]) for finding in find_forbidden(text)]
    assert found == [
        (A_NUMBER, "A# 201-555-123"),
        (ORIGIN, "NACIÓ en Honduras"),
        (BIRTH, "3/4/1990"),
        (ADDRESS, "123 Main St."),
        (STATUS, "Sin papeles"),
    ]


def test_spans_survive_characters_that_fold_to_two():
    text = "Straße 5 ok. Sin papeles"
    (finding,) = find_forbidden(text)
    assert text[slice(*finding.span)] == "Sin papeles"


def test_the_validator_gives_one_message_per_kind_saying_what_to_remove_and_why():
    with pytest.raises(ValidationError) as caught:
        no_forbidden_content("Sin papeles, indocumentado. A# 201-555-123. DOB 3/4/1990")
    assert caught.value.messages == [
        str(MESSAGES[STATUS]),
        str(MESSAGES[A_NUMBER]),
        str(MESSAGES[BIRTH]),
    ]
    assert "Remove the A-number" in caught.value.messages[1]
    assert {error.code for error in caught.value.error_list} == {
        "forbidden_status",
        "forbidden_a_number",
        "forbidden_birth_date",
    }


def test_the_messages_never_repeat_what_was_found():
    with pytest.raises(ValidationError) as caught:
        no_forbidden_content("A# 201-555-123, 123 Main St")
    assert not any("201" in message or "Main" in message for message in caught.value.messages)


def test_the_validator_lets_a_clean_text_through():
    no_forbidden_content("Two kids, ages 6 and 9; call after 6pm")
    no_forbidden_content("")


def test_the_messages_are_translated_when_shown_not_when_imported():
    """Marked for translation (lazily): each is put in the language of the person who sees it."""
    assert all(isinstance(message, Promise) for message in MESSAGES.values())


@pytest.mark.parametrize(
    ("today", "refused"),
    [
        (datetime(2026, 12, 5, 12), False),
        (datetime(2027, 12, 31, 12), False),
        (datetime(2028, 1, 1, 12), True),
    ],
)
def test_a_full_date_counts_as_a_birth_date_from_two_years_back(today, refused):
    with time_machine.travel(today, tick=False):
        assert bool(find_forbidden("Detained 11/20/2026")) is refused
