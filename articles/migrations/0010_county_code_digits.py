"""County codes are six digits (Article.county_codes holds them as integers): a validator only, no SQL."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_article_county_codes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='county',
            name='code',
            field=models.CharField(max_length=6, primary_key=True, serialize=False, validators=[django.core.validators.RegexValidator('^[1-9][0-9]{5}$', '县区代码是六位数字')], verbose_name='代码'),
        ),
    ]
