"""One row per time a worker started a job: what lets a surviving or restarted worker see that a job's
worker died (yibao.jobs.watchdog). django-q2 keeps the queue (OrmQ) and the results (Task)."""

from django.db import models


class AttemptOutcome(models.TextChoices):
    RUNNING = "running", "运行中"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"
    # The worker process died while the job ran; the watchdog ran it again or failed it.
    DIED_RETRIED = "died_retried", "工作进程中断，已重试"
    DIED_FAILED = "died_failed", "工作进程中断，已失败"


class JobAttempt(models.Model):
    task_id = models.CharField("任务编号", max_length=32, db_index=True)
    # The queue row (django_q.OrmQ) the job came from while it is not acknowledged: retried by unlocking it.
    queue_id = models.BigIntegerField("队列行", null=True, blank=True)
    name = models.CharField("任务名称", max_length=100)
    func = models.CharField("函数", max_length=256)
    number = models.PositiveIntegerField("第几次", default=1)
    host = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    # The process's start time as the kernel counts it: a pid reused by another process is not alive.
    process_started = models.CharField("进程启动时刻", max_length=32, blank=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=AttemptOutcome.choices, default=AttemptOutcome.RUNNING)

    class Meta:
        verbose_name = "任务执行"
        verbose_name_plural = "任务执行"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["outcome", "host"], name="jobs_attempt_running")]

    def __str__(self) -> str:
        return f"{self.name} 第{self.number}次（{self.get_outcome_display()}）"
