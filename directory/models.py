import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypedDict, cast, overload

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Lower, NullIf, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.bilingual import localized

if TYPE_CHECKING:
    # Typing only: django-stubs-ext is a development dependency.
    from django_stubs_ext import WithAnnotations

PHONE_PATTERN = r"^\+1[2-9][0-9]{2}[2-9][0-9]{6}$"


def normalize_phone(value: str) -> str:
    """A North American number in E.164 form (+19196874635), from the ways people write it."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        raise ValidationError(
            _("Enter a 10-digit US phone number, such as 919-555-0123."), code="invalid_phone"
        )
    return f"+1{digits}"


def format_phone(value: str) -> str:
    """+19196874635 → 919-687-4635, as people in North Carolina write numbers."""
    if value and value.startswith("+1") and len(value) == 12:
        return f"{value[2:5]}-{value[5:8]}-{value[8:]}"
    return value


def fold(text: str) -> str:
    """Lower case without accents, for matching what people type ("Peñas" ~ "penas")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


class County(models.Model):
    """One of North Carolina's 100 counties, the unit every service area and referral is described in."""

    fips = models.CharField(_("FIPS code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(
                condition=Q(fips__regex=r"^37[0-9]{3}$"),
                name="county_fips_valid",
                violation_error_message=_("A North Carolina FIPS code has five digits and starts with 37."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:county", kwargs={"slug": self.slug})


# Accented vowels sort with their plain letter ("árabe" before "criollo"), as in a dictionary; SQLite's lower() and
# byte order know only ASCII.
_UNACCENTED = {"á": "a", "é": "e", "í": "i", "ó": "o", "ú": "u", "ü": "u"}


class InReaderOrder(models.Expression):
    """Orders by a bilingual field in the language active when the query runs, not when it was built: the
    `<field>_es` twin (or the field when that is empty) in Spanish, as core.bilingual.localized shows it; folded to
    lower case without accents. Querysets built at import time (a form's choices) are sorted for each reader."""

    def __init__(self, field: str) -> None:
        super().__init__(output_field=models.CharField())
        self.field_name = field

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.field_name!r})"

    def _expression(self) -> Func:
        name: Combinable = F(self.field_name)
        if (get_language() or "").startswith("es"):
            name = Coalesce(NullIf(F(f"{self.field_name}_es"), Value("")), F(self.field_name))
        for accented, plain in _UNACCENTED.items():
            name = Replace(
                Replace(name, Value(accented), Value(plain)), Value(accented.upper()), Value(plain)
            )
        return Lower(name)

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self._expression().resolve_expression(query, allow_joins, reuse, summarize, for_save)

    def prefix_references(self, prefix: str) -> Any:
        # Ordering another model by its language ("language", "consent__explained_in") uses this ordering there.
        return self._expression().prefix_references(prefix)


class Language(models.Model):
    """A language families speak and organizations serve in (ISO 639 code where there is one)."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_es = models.CharField(_("name (Spanish)"), max_length=60, blank=True)

    class Meta:
        # By the name the reader sees (name_es in Spanish): lists of languages read in alphabetical order either way.
        ordering = [InReaderOrder("name")]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self, "name")


class ServiceCategory(models.Model):
    """A kind of help after a raid (legal, bond, child care...). Codes are stable: reports and the HSDS export use them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name (Spanish)"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self, "name")

    @property
    def localized_description(self) -> str:
        return localized(self, "description")


# A listing nobody has confirmed for this long may send families to help that no longer exists.
UNCONFIRMED_AFTER_DAYS = 90


def unconfirmed_before() -> date:
    """A listing last confirmed before this day (or never) is unconfirmed."""
    return timezone.localdate() - timedelta(days=UNCONFIRMED_AFTER_DAYS)


def answers_in_app(organization: Any = None) -> Exists:
    """Whether an organization (its pk, or by default the row's own) has an active partner-staff account: only
    then can it receive routings in the app. Without one, the hub refers by phone and records the answer."""
    return Exists(
        User.objects.filter(
            organization=OuterRef("pk") if organization is None else organization,
            role=Role.PARTNER,
            is_active=True,
        )
    )


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def unconfirmed(self) -> Self:
        """Listings not confirmed in UNCONFIRMED_AFTER_DAYS days, or never: the ones to chase."""
        return self.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=unconfirmed_before()))

    def unreachable_in_app(self) -> Self:
        """Partner organizations that cannot receive routings in the app: no active partner-staff account."""
        return self.filter(is_partner=True).exclude(answers_in_app())

    def with_app_reach(self) -> Self:
        """Each row with `answers_in_app` and `has_partner_accounts` (active or not), which
        `Organization.unreachable_reason` reads."""
        return self.annotate(
            answers_in_app=answers_in_app(),
            has_partner_accounts=Exists(User.objects.filter(organization=OuterRef("pk"), role=Role.PARTNER)),
        )


class Organization(models.Model):
    """A member of the network: a hub does intake, a partner takes referrals; many do both."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public email"), blank=True)
    intake_email = models.EmailField(
        _("intake email"), blank=True, help_text=_("Where new referrals are announced. Never shown publicly.")
    )
    is_hub = models.BooleanField(_("does intake (hub)"), default=False)
    is_partner = models.BooleanField(_("takes referrals (partner)"), default=False)
    assured_date = models.DateField(_("listing last confirmed"), null=True, blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("manage:organization_detail", kwargs={"slug": self.slug})

    @property
    def is_unconfirmed(self) -> bool:
        """The same rule as `Organization.objects.unconfirmed()`, for one organization already loaded."""
        return self.assured_date is None or self.assured_date < unconfirmed_before()

    @property
    def localized_description(self) -> str:
        return localized(self, "description")

    @property
    def unreachable_reason(self) -> str:
        """Why a partner cannot receive routings in the app (hubs refer it by phone), or "" when it can. Reads the
        annotations of `OrganizationQuerySet.with_app_reach`."""
        if not self.is_partner or getattr(self, "answers_in_app", True):
            return ""
        if getattr(self, "has_partner_accounts", False):
            return gettext("Cannot receive referrals in the app: every partner-staff account is deactivated.")
        return gettext("Cannot receive referrals in the app: no partner-staff account.")


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner staff")
    ADMIN = "admin", _("Administrator")


# The people who work on a hub's cases.
HUB_ROLES = (Role.VOLUNTEER, Role.COORDINATOR)


class NoticeDigest(models.IntegerChoices):
    """How often a person who chose a digest hears of routine and urgent case events, in minutes. No choice (null)
    is every event as it happens; emergencies are always sent at once (referrals/notifications.py)."""

    MINUTES_15 = 15, _("A digest every 15 minutes")
    MINUTES_30 = 30, _("A digest every 30 minutes")
    HOUR = 60, _("A digest every hour")
    HOURS_2 = 120, _("A digest every 2 hours")


class UserQuerySet(models.QuerySet["User"]):
    def hub_staff(self, organization: "Organization | uuid.UUID", *, include_inactive: bool = False) -> Self:
        """The active volunteers and coordinators of an organization (or its pk): who may be given its cases and
        follow-ups, and who hears about them. Deactivated ones too when asked, for filtering old work."""
        staff = self.filter(organization=organization, role__in=HUB_ROLES)
        return staff if include_inactive else staff.filter(is_active=True)

    def with_training(self) -> Self:
        """Each account with `training_expires_on`: the latest expiry of its recorded training (None: none
        recorded), in the same query, so a list shows everyone's training status without a query per row
        (`User.training_status` reads it)."""
        latest = Training.objects.filter(user=OuterRef("pk")).order_by("-expires_on").values("expires_on")[:1]
        return self.annotate(training_expires_on=Subquery(latest))


# Named at module level: mypy's Django plugin can follow `from_queryset` there, not in a class's bases.
_UserManagerBase = BaseUserManager.from_queryset(UserQuerySet)


class UserManager(_UserManagerBase["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: one organization, one role. Email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # The language of the person's pages and emails. Until they choose one with the language buttons
    # (language_chosen), it follows their browser: each sign-in stores the language the sign-in page was shown in,
    # so emails go out in the language they last used (accounts/adapters.py).
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    language_chosen = models.BooleanField(_("chose the language"), default=False, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the Django admin"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    notice_digest_minutes = models.PositiveSmallIntegerField(
        _("how I hear of case events"), choices=NoticeDigest.choices, null=True, blank=True
    )
    # Whether the account has a second factor (an allauth authenticator), kept in step with allauth's table by
    # accounts/signals.py. Read on every signed-in request (core.security.RequireMFAMiddleware) from the account
    # row the request loads anyway, instead of one more query per page.
    has_authenticator = models.BooleanField(_("has a second factor"), default=False, editable=False)

    objects = UserManager()
    # Set by UserQuerySet.with_training(), or by training_status() on first use.
    training_expires_on: date | None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values),
                name="user_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(is_superuser=True),
                name="user_has_organization",
                violation_error_message=_("Every account belongs to an organization."),
            ),
            models.CheckConstraint(
                condition=Q(notice_digest_minutes__isnull=True)
                | Q(notice_digest_minutes__in=NoticeDigest.values),
                name="user_notice_digest_valid",
                violation_error_message=_("Choose one of the digest intervals offered."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def is_volunteer(self) -> bool:
        return self.role == Role.VOLUNTEER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_partner_staff(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_network_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def does_intake(self) -> bool:
        """Volunteers and coordinators of a hub organization log families' needs."""
        return (
            self.role in (Role.VOLUNTEER, Role.COORDINATOR)
            and self.organization is not None
            and self.organization.is_hub
        )

    def get_absolute_url(self) -> str:
        return reverse("home")

    def training_status(self, on: date | None = None) -> "TrainingStatus":
        """Whether this person's training is current on `on` (today by default), and until when. Read from
        `UserQuerySet.with_training()` when the account was loaded with it; otherwise one query, kept on the
        instance for the rest of the request."""
        if not hasattr(self, "training_expires_on"):
            latest = self.trainings.aggregate(latest=models.Max("expires_on"))["latest"]
            self.training_expires_on = latest
        return TrainingStatus(expires_on=self.training_expires_on, today=on or timezone.localdate())

    def training_current(self, on: date | None = None) -> bool:
        return self.training_status(on).is_current

    @property
    def training(self) -> "TrainingStatus":
        """Today's training status, for templates."""
        return self.training_status()


def a_year_after(day: date) -> date:
    """The same date a year later (February 29 becomes February 28): training's default validity."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


# Expiring training is flagged this many days ahead, on My work and the team list.
TRAINING_WARNING_DAYS = 30


class TrainingState(models.TextChoices):
    NONE = "none", _("No training recorded")
    CURRENT = "current", _("Current")
    EXPIRING = "expiring", _("Expires soon")
    EXPIRED = "expired", _("Expired")


@dataclass(frozen=True)
class TrainingStatus:
    """A person's training on a given day, from the latest expiry date of their recorded courses. Training counts
    until the day before it expires: on `expires_on` it has expired."""

    expires_on: date | None
    today: date

    @property
    def is_current(self) -> bool:
        return self.expires_on is not None and self.today < self.expires_on

    @property
    def days_left(self) -> int | None:
        """Days until it expires (1: it expires tomorrow); None without training."""
        return None if self.expires_on is None else (self.expires_on - self.today).days

    @property
    def state(self) -> str:
        if self.expires_on is None:
            return TrainingState.NONE
        if not self.is_current:
            return TrainingState.EXPIRED
        if self.days_left is not None and self.days_left <= TRAINING_WARNING_DAYS:
            return TrainingState.EXPIRING
        return TrainingState.CURRENT

    @property
    def is_expiring(self) -> bool:
        return self.state == TrainingState.EXPIRING


class Training(models.Model):
    """One course a volunteer or coordinator completed, recorded by an administrator or a coordinator of their
    hub (accounts.services.training_record). Rows are only added: the list is the history of who recorded what."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField(_("course"), max_length=120)
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(
        _("expires on"), blank=True, help_text=_("Leave empty for one year after the course.")
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-completed_on", "-created_at"]
        verbose_name = _("training")
        verbose_name_plural = _("training records")
        indexes = [models.Index(fields=["user", "-expires_on"], name="training_user_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("completed_on")),
                name="training_expires_after_completion",
                violation_error_message=_("The training must expire after the date of the course."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.expires_on is None and self.completed_on is not None:
            self.expires_on = a_year_after(self.completed_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.expires_on is None and self.completed_on is not None:
            self.expires_on = a_year_after(self.completed_on)


# Partner staff may declare at most this many places for a new service, until an admin sets another limit.
DEFAULT_CAPACITY_LIMIT = 25


class ServiceStatus(models.TextChoices):
    # Values are HSDS 3.0's service status enum.
    ACTIVE = "active", pgettext_lazy("service status", "Active")
    INACTIVE = "inactive", pgettext_lazy("service status", "Inactive")
    TEMPORARILY_CLOSED = "temporarily closed", pgettext_lazy("service status", "Temporarily closed")


class IsLocal(TypedDict):
    """What `ServingQuerySet.serving` adds to each row."""

    is_local: bool


class AnswersInApp(TypedDict):
    """What `ServiceQuerySet.with_answers_in_app` adds to each row (see `answers_in_app`)."""

    answers_in_app: bool


class ServingQuerySet[M: "Service | Phone | TextAlert"](models.QuerySet[M]):
    """For models with `counties` and `is_statewide` (services, phones and text alerts)."""

    # One overload per model: django-stubs drops annotations declared on a type variable, and callers order and
    # filter by `is_local`.
    @overload
    def serving(
        self: "ServingQuerySet[Service]", county: County
    ) -> "models.QuerySet[WithAnnotations[Service, IsLocal]]": ...
    @overload
    def serving(
        self: "ServingQuerySet[Phone]", county: County
    ) -> "models.QuerySet[WithAnnotations[Phone, IsLocal]]": ...
    @overload
    def serving(
        self: "ServingQuerySet[TextAlert]", county: County
    ) -> "models.QuerySet[WithAnnotations[TextAlert, IsLocal]]": ...
    def serving(self, county):
        """Rows that serve the county: they list it, or serve the whole state. Each is marked `is_local` when it
        lists the county, so local help can come first.

        An EXISTS subquery rather than a join, so a statewide row that also lists counties appears once.
        """
        model = self.model
        # The auto-created through table names its key to the model after the model, in lower case.
        listed = model.counties.through._default_manager.filter(
            county=county, **{model.__name__.lower(): OuterRef("pk")}
        )
        return self.annotate(is_local=Exists(listed)).filter(Q(is_local=True) | Q(is_statewide=True))


class CoverageState(models.TextChoices):
    """Whether a service's declared coverage (counties, statewide, category) is what routing may use."""

    # The declared coverage is the network's: services that admins or an import wrote, and every service that
    # existed before partners' changes needed approval.
    APPROVED = "approved", _("Approved")
    # Partner staff widened it (a new service, county, category, or statewide): routing keeps to the approved
    # copy until an admin approves.
    PENDING = "pending", _("Waiting for review")
    # An admin turned the widening down: routing keeps to the approved copy; the declared coverage stays on the
    # public pages until someone edits it.
    REJECTED = "rejected", _("Not approved")


class ServiceQuerySet(ServingQuerySet["Service"]):
    def routable_in(
        self, categories: Iterable[Any]
    ) -> "models.QuerySet[WithAnnotations[Service, AnswersInApp]]":
        """The services the routing may consider for needs in these categories, with what `Service.route_fit`
        reads loaded: active, accepting referrals, at a partner organization, with declared or approved coverage in
        one of the categories. Each row carries `answers_in_app` (see `answers_in_app`).

        One query for the rows and one per many-to-many relation whatever the number of needs: the escalations
        rank the next organization for a whole page of needs at once."""
        categories = list(categories)
        return (
            self.filter(
                Q(category__in=categories) | Q(approved_category__in=categories),
                status=ServiceStatus.ACTIVE,
                accepting_referrals=True,
                organization__is_partner=True,
            )
            .select_related("organization")
            .prefetch_related("counties", "approved_counties", "languages", "organization__phones")
            .with_answers_in_app()
        )

    def with_answers_in_app(self) -> "models.QuerySet[WithAnnotations[Service, AnswersInApp]]":
        annotated = self.annotate(answers_in_app=answers_in_app(OuterRef("organization_id")))
        # The stubs name the annotation's TypedDict anew; it is the one declared.
        return cast("models.QuerySet[WithAnnotations[Service, AnswersInApp]]", annotated)

    def waiting_for_review(self) -> Self:
        return self.filter(coverage_state=CoverageState.PENDING)


class PhoneQuerySet(ServingQuerySet["Phone"]):
    pass


class TextAlertQuerySet(ServingQuerySet["TextAlert"]):
    pass


class Service(models.Model):
    """What one organization offers in one category, where, in which languages, and how much room it has."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="services"
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    eligibility_description = models.TextField(_("who is eligible"), blank=True)
    eligibility_description_es = models.TextField(_("who is eligible (Spanish)"), blank=True)
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages spoken"), blank=True, related_name="+"
    )
    counties = models.ManyToManyField(
        County, verbose_name=_("counties served"), blank=True, related_name="services"
    )
    is_statewide = models.BooleanField(_("serves the whole state"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    accepting_referrals = models.BooleanField(_("accepting referrals"), default=True)
    capacity_available = models.PositiveIntegerField(_("places available"), default=0)
    capacity_maximum = models.PositiveIntegerField(_("total places"), default=0)
    capacity_limit = models.PositiveIntegerField(
        _("most places partner staff may declare"),
        default=DEFAULT_CAPACITY_LIMIT,
        help_text=_("Set by the network's administrators. Routing never counts more places than this."),
    )
    response_hours = models.PositiveIntegerField(
        _("promised response time (hours)"),
        null=True,
        blank=True,
        help_text=_(
            "How soon the organization promises to answer a new referral. Empty: the network's default."
        ),
    )
    email = models.EmailField(_("email"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    # Routing trust (see CoverageState): while a partner's widening waits, routing reads the approved copy.
    coverage_state = models.CharField(
        _("coverage review"),
        max_length=10,
        choices=CoverageState.choices,
        default=CoverageState.APPROVED,
        editable=False,
    )
    approved_category = models.ForeignKey(
        ServiceCategory,
        verbose_name=_("approved category"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    approved_is_statewide = models.BooleanField(_("approved statewide"), default=False, editable=False)
    approved_counties = models.ManyToManyField(
        County, verbose_name=_("approved counties"), blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "category__position", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_available__lte=models.F("capacity_maximum")),
                name="service_capacity_within_maximum",
                violation_error_message=_("Places available cannot be more than total places."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values),
                name="service_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=Q(response_hours__isnull=True) | Q(response_hours__gte=1),
                name="service_response_hours_positive",
                violation_error_message=_("A promised response time is at least one hour."),
            ),
            models.CheckConstraint(
                condition=Q(coverage_state__in=CoverageState.values),
                name="service_coverage_state_valid",
                violation_error_message=_("Unknown coverage review state."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.localized_name} · {self.organization.name}"

    def route_fit(self, county: County, category: "ServiceCategory") -> bool | None:
        """Whether routing may suggest this service (loaded through `routable_in`) for a need in `county` and
        `category`: None when it may not, else whether it is local (lists the county) rather than statewide.

        It must serve the county in that category both as declared (so a partner's narrowing counts at once) and
        as approved (so its widening counts only once an admin approved it). It is local when it lists the county
        in both. The approved copy (`approved_*`) is read only when the coverage is not approved as declared."""
        declared_local = any(c.pk == county.pk for c in self.counties.all())
        if self.category_id != category.pk or not (declared_local or self.is_statewide):
            return None
        if self.coverage_state == CoverageState.APPROVED:
            return declared_local
        approved_local = any(c.pk == county.pk for c in self.approved_counties.all())
        if self.approved_category_id != category.pk or not (approved_local or self.approved_is_statewide):
            return None
        return declared_local and approved_local

    @property
    def localized_name(self) -> str:
        return localized(self, "name")

    @property
    def localized_description(self) -> str:
        return localized(self, "description")

    @property
    def localized_eligibility(self) -> str:
        return localized(self, "eligibility_description")


class ServiceChangeKind(models.TextChoices):
    CREATED = "created", _("Added")
    EDITED = "edited", _("Changed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not approved")


# What a service's history keeps: the fields that decide where a need is routed, and how highly.
TRACKED_SERVICE_FIELDS = (
    "category",
    "is_statewide",
    "counties",
    "capacity_available",
    "capacity_maximum",
    "capacity_limit",
    "response_hours",
    "accepting_referrals",
)


class ServiceChange(models.Model):
    """One change to a service's coverage, category or capacity, or a review decision: who, when, old and new
    values. Written in the same transaction as the change; never edited.

    `changes` maps a field name (TRACKED_SERVICE_FIELDS) to [old, new]; a category is kept by its code and
    counties by name, so the history reads the same after the rows it names change.
    """

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="history"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("what"), max_length=10, choices=ServiceChangeKind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service change")
        verbose_name_plural = _("service changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ServiceChangeKind.values),
                name="service_change_kind_valid",
                violation_error_message=_("Unknown kind of change."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class PhoneType(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    OFFICE = "office", _("Office")
    TEXT = "text", _("Text messages")


class Phone(models.Model):
    """A hotline or office line: who answers, when, in which languages, for which counties."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        related_name="phones",
        null=True,
        blank=True,
    )
    number = models.CharField(_("number"), max_length=16)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=PhoneType.choices, default=PhoneType.OFFICE)
    description = models.CharField(_("what to call for"), max_length=200, blank=True)
    description_es = models.CharField(_("what to call for (Spanish)"), max_length=200, blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    hours_es = models.CharField(_("hours (Spanish)"), max_length=200, blank=True)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="+")
    counties = models.ManyToManyField(County, verbose_name=_("counties"), blank=True, related_name="phones")
    is_statewide = models.BooleanField(_("serves the whole state"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PhoneQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "type", "number"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=PHONE_PATTERN),
                name="phone_number_normalised",
                violation_error_message=_("Enter a 10-digit US phone number, such as 919-555-0123."),
            ),
            models.CheckConstraint(
                condition=Q(type__in=PhoneType.values),
                name="phone_type_valid",
                violation_error_message=_("Unknown type."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization.name}: {self.display_number}"

    def clean(self) -> None:
        if self.number:
            self.number = normalize_phone(self.number)

    @property
    def display_number(self) -> str:
        return format_phone(self.number)

    @property
    def localized_description(self) -> str:
        return localized(self, "description")

    @property
    def localized_hours(self) -> str:
        return localized(self, "hours")


class TextAlert(models.Model):
    """Raid alerts by text message, in one of two ways:

    - a keyword people text to a short code: "text @siembra4 to 81010" for Durham;
    - where the organization publishes no keyword, the way to ask it to join its alerts: a phone number to call, a
      web page, or both (RadarSafe Raleigh: call 1-800-559-8714). Nobody should guess a keyword: a wrong one signs
      a family up for nothing, or for another county's alerts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="text_alerts"
    )
    keyword = models.CharField(_("keyword"), max_length=40, blank=True)
    short_code = models.CharField(_("short code"), max_length=10, blank=True)
    signup_phone = models.CharField(_("phone number to ask to join"), max_length=16, blank=True)
    signup_url = models.URLField(_("web page to sign up"), blank=True)
    counties = models.ManyToManyField(
        County, verbose_name=_("counties"), blank=True, related_name="text_alerts"
    )
    is_statewide = models.BooleanField(_("serves the whole state"), default=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    description_es = models.CharField(_("description (Spanish)"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TextAlertQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "keyword"]
        verbose_name = _("text alert")
        verbose_name_plural = _("text alerts")
        constraints = [
            # Alerts without a keyword are told apart by their organization and sign-up details, not by ("", "").
            models.UniqueConstraint(
                fields=["keyword", "short_code"],
                condition=~Q(keyword=""),
                name="text_alert_unique_keyword",
                violation_error_message=_("A text alert with this keyword and short code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(short_code="") | Q(short_code__regex=r"^[0-9]{5,6}$"),
                name="text_alert_short_code_valid",
                violation_error_message=_("A short code has 5 or 6 digits."),
            ),
            models.CheckConstraint(
                condition=Q(keyword="", short_code="") | (~Q(keyword="") & ~Q(short_code="")),
                name="text_alert_keyword_with_short_code",
                violation_error_message=_(
                    "Give both the keyword and the short code it is texted to, or neither."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(short_code="") | ~Q(signup_phone="") | ~Q(signup_url=""),
                name="text_alert_way_to_sign_up",
                violation_error_message=_(
                    "Say how people sign up: a keyword and the short code to text it to, or a phone number or "
                    "web page where they ask to join."
                ),
            ),
            models.CheckConstraint(
                condition=Q(signup_phone="") | Q(signup_phone__regex=PHONE_PATTERN),
                name="text_alert_signup_phone_normalised",
                violation_error_message=_("Enter a 10-digit US phone number, such as 919-555-0123."),
            ),
        ]

    def __str__(self) -> str:
        if self.keyword:
            return f"{self.keyword} → {self.short_code}"
        return gettext("%(organization)s: ask to join") % {"organization": self.organization.name}

    def clean(self) -> None:
        self.keyword = self.keyword.strip()
        self.short_code = "".join(self.short_code.split())
        if self.signup_phone:
            try:
                self.signup_phone = normalize_phone(self.signup_phone)
            except ValidationError as error:
                raise ValidationError({"signup_phone": error.error_list}) from error

    @property
    def by_keyword(self) -> bool:
        """People sign up by texting a keyword to a short code (otherwise they ask the organization to join)."""
        return bool(self.keyword)

    @property
    def display_signup_phone(self) -> str:
        return format_phone(self.signup_phone)

    @property
    def localized_description(self) -> str:
        return localized(self, "description")


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Know-your-rights guide")
    APP = "app", _("App")
    TOOLKIT = "toolkit", _("Toolkit")
    FUND = "fund", _("Fund")
    PETITION = "petition", _("Petition")
    ARTICLE = "article", _("Article")


class ResourceQuerySet(models.QuerySet["Resource"]):
    def for_county(self, county: County) -> Self:
        """The resources shown in the county: those that list it, and those that list no county (the whole
        state). EXISTS subqueries rather than a join, so a resource listing several counties appears once."""
        listed = Resource.counties.through._default_manager.filter(resource=OuterRef("pk"))
        return self.filter(~Exists(listed) | Exists(listed.filter(county=county)))


class Resource(models.Model):
    """Guides, apps, toolkits, funds, petitions and articles the network points people to, in the counties they are
    for (no county: the whole state)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="resources",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    publisher = models.CharField(
        _("published by"),
        max_length=200,
        blank=True,
        help_text=_("Who wrote or runs it, when that is not the organization chosen above."),
    )
    url = models.URLField(_("link"), blank=True)
    url_es = models.URLField(
        _("link (Spanish)"), blank=True, help_text=_("The Spanish version, if the publisher has one.")
    )
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="+")
    counties = models.ManyToManyField(
        County,
        verbose_name=_("counties"),
        blank=True,
        related_name="resources",
        help_text=_("Leave empty for a resource that is for the whole state."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResourceKind.values),
                name="resource_kind_valid",
                violation_error_message=_("Unknown kind."),
            ),
        ]

    def __str__(self) -> str:
        return self.localized_title

    @property
    def localized_title(self) -> str:
        return localized(self, "title")

    @property
    def localized_url(self) -> str:
        """The Spanish page for Spanish visitors when there is one, else the link."""
        return localized(self, "url")

    @property
    def published_by(self) -> str:
        """Who published it: the publisher written down, else the organization."""
        return self.publisher or (self.organization.name if self.organization else "")

    @property
    def localized_description(self) -> str:
        return localized(self, "description")
