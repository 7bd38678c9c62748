"""The full-text search index (see yibao.catalog.search).

The table is ordinary; what indexes its bigram tokens depends on the database: an FTS5 virtual
table on SQLite; on PostgreSQL stored tsvector columns generated from the tokens, with a GIN
index. Both are created here per vendor, and the
index is filled from the data already imported, so an existing database can search right away.
"""

import django.db.models.deletion
from django.db import migrations, models

FTS_CREATE = (
    # rowid = catalog_searchdocument.id; search.py writes both tables. Not an external-content
    # table and no triggers: Django rebuilds SQLite tables on schema changes and drops triggers.
    "CREATE VIRTUAL TABLE catalog_searchfts USING fts5(head_tokens, tokens, tokenize = 'unicode61')"
)
FTS_DROP = "DROP TABLE IF EXISTS catalog_searchfts"
# Stored tsvectors rather than an expression index on to_tsvector(tokens): a phrase match (<->) is
# always rechecked against the row, and with an expression index that means re-parsing every
# candidate's tokens. Django does not know these generated columns and need not: PostgreSQL fills them.
PG_CREATE = (
    "ALTER TABLE catalog_searchdocument"
    " ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED,"
    " ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, head_tokens)) STORED",
    "CREATE INDEX catalog_searchdoc_vector_gin ON catalog_searchdocument USING gin (search_vector)",
)
PG_DROP = (
    "DROP INDEX IF EXISTS catalog_searchdoc_vector_gin",
    "ALTER TABLE catalog_searchdocument DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS head_vector",
)


def create_text_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS_CREATE)
    elif vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)
    # Other databases: search.query() falls back to LIKE scans and needs nothing here.


def drop_text_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(FTS_DROP)
    elif vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


def fill_index(apps, schema_editor):
    PowerItem = apps.get_model("catalog", "PowerItem")
    Article = apps.get_model("law", "Article")
    if PowerItem.objects.exists() or Article.objects.exists():
        from yibao.catalog.search import rebuild_with_models

        rebuild_with_models(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('law', '0001_initial'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('item', '权责事项'), ('article', '法规条文')], max_length=10, verbose_name='类别')),
                ('type', models.CharField(blank=True, max_length=20, verbose_name='事项类型')),
                ('title', models.CharField(max_length=800, verbose_name='标题')),
                ('subtitle', models.CharField(blank=True, max_length=400, verbose_name='副标题')),
                ('body', models.TextField(blank=True, help_text='显示摘要用的原文（不含标题）', verbose_name='正文')),
                ('plain', models.TextField(blank=True, help_text='标题加正文，逐字规范化（全角转半角、小写）', verbose_name='检索文本')),
                ('head_tokens', models.TextField(blank=True, verbose_name='标题词元')),
                ('tokens', models.TextField(blank=True, help_text='检索文本的二元分词，空格分隔', verbose_name='词元')),
                ('article', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='law.article', verbose_name='条文')),
                ('bureau', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.bureau', verbose_name='单位')),
                ('item', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.poweritem', verbose_name='事项')),
            ],
            options={
                'verbose_name': '检索文档',
                'verbose_name_plural': '检索文档',
                'indexes': [models.Index(fields=['kind', 'bureau', 'type'], name='catalog_search_filter_idx')],
            },
        ),
        migrations.RunPython(create_text_index, drop_text_index),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
    ]
