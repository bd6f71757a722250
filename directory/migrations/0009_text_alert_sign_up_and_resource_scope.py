"""A text alert may be "ask this organization to join" (a phone number or web page) where no keyword is published,
and may serve the whole state; resources may be for some counties only, name who published them, link to a Spanish
page, and be articles."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0008_language_chosen_and_spanish_names'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='resource',
            name='resource_kind_valid',
        ),
        migrations.RemoveConstraint(
            model_name='textalert',
            name='text_alert_unique_keyword',
        ),
        migrations.RemoveConstraint(
            model_name='textalert',
            name='text_alert_short_code_valid',
        ),
        migrations.AddField(
            model_name='resource',
            name='counties',
            field=models.ManyToManyField(blank=True, help_text='Leave empty for a resource that is for the whole state.', related_name='resources', to='directory.county', verbose_name='counties'),
        ),
        migrations.AddField(
            model_name='resource',
            name='publisher',
            field=models.CharField(blank=True, help_text='Who wrote or runs it, when that is not the organization chosen above.', max_length=200, verbose_name='published by'),
        ),
        migrations.AddField(
            model_name='resource',
            name='url_es',
            field=models.URLField(blank=True, help_text='The Spanish version, if the publisher has one.', verbose_name='link (Spanish)'),
        ),
        migrations.AddField(
            model_name='textalert',
            name='is_statewide',
            field=models.BooleanField(default=False, verbose_name='serves the whole state'),
        ),
        migrations.AddField(
            model_name='textalert',
            name='signup_phone',
            field=models.CharField(blank=True, max_length=16, verbose_name='phone number to ask to join'),
        ),
        migrations.AddField(
            model_name='textalert',
            name='signup_url',
            field=models.URLField(blank=True, verbose_name='web page to sign up'),
        ),
        migrations.AlterField(
            model_name='resource',
            name='kind',
            field=models.CharField(choices=[('guide', 'Know-your-rights guide'), ('app', 'App'), ('toolkit', 'Toolkit'), ('fund', 'Fund'), ('petition', 'Petition'), ('article', 'Article')], max_length=10, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='textalert',
            name='keyword',
            field=models.CharField(blank=True, max_length=40, verbose_name='keyword'),
        ),
        migrations.AlterField(
            model_name='textalert',
            name='short_code',
            field=models.CharField(blank=True, max_length=10, verbose_name='short code'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['guide', 'app', 'toolkit', 'fund', 'petition', 'article'])), name='resource_kind_valid', violation_error_message='Unknown kind.'),
        ),
        migrations.AddConstraint(
            model_name='textalert',
            constraint=models.UniqueConstraint(condition=models.Q(('keyword', ''), _negated=True), fields=('keyword', 'short_code'), name='text_alert_unique_keyword', violation_error_message='A text alert with this keyword and short code already exists.'),
        ),
        migrations.AddConstraint(
            model_name='textalert',
            constraint=models.CheckConstraint(condition=models.Q(('short_code', ''), ('short_code__regex', '^[0-9]{5,6}$'), _connector='OR'), name='text_alert_short_code_valid', violation_error_message='A short code has 5 or 6 digits.'),
        ),
        migrations.AddConstraint(
            model_name='textalert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('keyword', ''), ('short_code', '')), models.Q(models.Q(('keyword', ''), _negated=True), models.Q(('short_code', ''), _negated=True)), _connector='OR'), name='text_alert_keyword_with_short_code', violation_error_message='Give both the keyword and the short code it is texted to, or neither.'),
        ),
        migrations.AddConstraint(
            model_name='textalert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('short_code', ''), _negated=True), models.Q(('signup_phone', ''), _negated=True), models.Q(('signup_url', ''), _negated=True), _connector='OR'), name='text_alert_way_to_sign_up', violation_error_message='Say how people sign up: a keyword and the short code to text it to, or a phone number or web page where they ask to join.'),
        ),
        migrations.AddConstraint(
            model_name='textalert',
            constraint=models.CheckConstraint(condition=models.Q(('signup_phone', ''), ('signup_phone__regex', '^\\+1[2-9][0-9]{2}[2-9][0-9]{6}$'), _connector='OR'), name='text_alert_signup_phone_normalised', violation_error_message='Enter a 10-digit US phone number, such as 919-555-0123.'),
        ),
    ]
