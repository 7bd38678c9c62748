"""A screening run (筛查): one dataset screened for one bureau, on one engine, with one configuration.

A run started from the web is queued as a background job (yibao.jobs), then screened by a worker
process that records its process id and host; when that process dies the jobs watchdog fails the
run (services.runs.fail_interrupted_run).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..constants import ACTIVE_RUN_STATUSES, Engine, RunStatus


class ScreeningRun(models.Model):
    bureau = models.ForeignKey("org.Bureau", verbose_name="单位", on_delete=models.PROTECT,
                               related_name="screening_runs")
    dataset_path = models.CharField("数据集目录", max_length=500)
    engine = models.CharField("引擎", max_length=16, choices=Engine.choices, default=Engine.DUCKDB)
    config_path = models.CharField("配置文件", max_length=500, blank=True)
    config = models.JSONField("规则配置", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED,
                              db_index=True)
    # The time the run was queued, then the time its worker began screening.
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # by_rule, skipped, warnings, seconds (screening), store_seconds, findings, new, seen_again, …
    summary = models.JSONField("摘要", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    finding_count = models.PositiveIntegerField("疑点数", default=0)
    new_count = models.PositiveIntegerField("新疑点数", default=0)
    total_amount = models.DecimalField("疑点金额合计", max_digits=18, decimal_places=2, default=0)
    # Progress while running: the rule being screened, i of n.
    progress_rule = models.CharField("当前规则", max_length=8, blank=True)
    progress_done = models.PositiveSmallIntegerField("已完成规则数", default=0)
    progress_total = models.PositiveSmallIntegerField("规则总数", default=0)
    # The worker: its process on its host, and when it last reported progress.
    worker_pid = models.PositiveIntegerField("筛查进程号", null=True, blank=True)
    worker_host = models.CharField("筛查主机", max_length=255, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

    class Meta:
        verbose_name = "筛查批次"
        verbose_name_plural = "筛查批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"筛查 #{self.pk} {self.bureau.name} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:run_detail", args=[self.pk])

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def elapsed_seconds(self) -> int:
        """Seconds since the run started (or was queued), up to its end."""
        end = self.finished_at or timezone.now()
        return max(0, int((end - self.started_at).total_seconds()))

    @property
    def elapsed_text(self) -> str:
        """The elapsed time in Chinese: 45 秒, 3 分 05 秒, 1 小时 02 分."""
        s = self.elapsed_seconds
        if s < 60:
            return f"{s} 秒"
        if s < 3600:
            return f"{s // 60} 分 {s % 60:02d} 秒"
        return f"{s // 3600} 小时 {s % 3600 // 60:02d} 分"

    @property
    def progress_current(self) -> int:
        """The number of the rule being screened (1-based), for "第 i/n 条"."""
        return min(self.progress_done + 1, self.progress_total) if self.progress_total else 0

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return int(100 * self.progress_done / self.progress_total)
