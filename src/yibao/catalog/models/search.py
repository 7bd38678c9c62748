"""The search index: one row per current catalogue item and per law article.

Only `yibao.catalog.search` writes these rows. On SQLite an FTS5 table (catalog_searchfts, created
by migration 0002, rowid = this table's id) holds the tokens as well; search.py keeps the two in step
explicitly rather than with triggers, because Django rebuilds SQLite tables on schema changes and
would silently drop triggers. On PostgreSQL the same migration adds the generated columns
search_vector and head_vector (to_tsvector('simple', …) of the tokens) and a GIN index; Django does not
know them, PostgreSQL fills them.
"""

from django.db import models


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", "权责事项"
        ARTICLE = "article", "法规条文"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    item = models.OneToOneField(
        "catalog.PowerItem", verbose_name="事项", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    article = models.OneToOneField(
        "law.Article", verbose_name="条文", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Copied from the item's catalogue so that filters need no joins; articles have neither.
    bureau = models.ForeignKey(
        "org.Bureau", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField("事项类型", max_length=20, blank=True)
    title = models.CharField("标题", max_length=800)
    subtitle = models.CharField("副标题", max_length=400, blank=True)
    body = models.TextField("正文", blank=True, help_text="显示摘要用的原文（不含标题）")
    plain = models.TextField("检索文本", blank=True, help_text="标题加正文，逐字规范化（全角转半角、小写）")
    head_tokens = models.TextField("标题词元", blank=True)
    tokens = models.TextField("词元", blank=True, help_text="检索文本的二元分词，空格分隔")

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        indexes = [models.Index(fields=["kind", "bureau", "type"], name="catalog_search_filter_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def object_id(self) -> int | None:
        return self.item_id if self.kind == self.Kind.ITEM else self.article_id
