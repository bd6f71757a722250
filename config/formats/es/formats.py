# Django's date format syntax: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
# The month in letters, in lower case as Spanish writes it ("b"), with a 24-hour clock: "1 dic 2026, 16:14". The long
# formats stay Django's: "1 de diciembre de 2026 a las 16:14".
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"

# Python's strptime syntax. The first one is also how a date field's value is written into its input: a date input
# (type="date") takes only ISO dates (2026-12-01) and shows them in the browser's own way; Django's Spanish formats
# start with 01/12/2026, which such an input would show empty.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M",
]
