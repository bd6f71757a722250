# Django's date format syntax: https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date
# The month in letters, so that nobody reads 01/12/2026 as the wrong day: "Dec 1, 2026, 4:14 PM".
DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, g:i A"
TIME_FORMAT = "g:i A"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
