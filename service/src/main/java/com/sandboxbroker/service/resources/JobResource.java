package com.sandboxbroker.service.resources;

import com.sandboxbroker.core.contract.JobName;
import com.sandboxbroker.core.job.Job;
import com.sandboxbroker.core.job.JobError;
import com.sandboxbroker.core.job.JobLauncher;
import com.sandboxbroker.core.job.JobOutcome;
import com.sandboxbroker.core.job.JobRun;
import com.sandboxbroker.core.job.JobStore;
import com.sandboxbroker.core.job.SkipReason;
import com.sandboxbroker.service.api.ErrorResponse;
import com.sandboxbroker.service.api.JobCompletedResponse;
import com.sandboxbroker.service.api.JobPauseResponse;
import com.sandboxbroker.service.api.JobRunResponse;
import com.sandboxbroker.service.api.JobStartedResponse;
import com.sandboxbroker.service.api.JobStatusResponse;
import com.sandboxbroker.service.api.JobsResponse;
import com.sandboxbroker.service.auth.Caller;
import com.sandboxbroker.service.errors.ApiException;
import com.sandboxbroker.service.errors.ErrorCode;
import com.sandboxbroker.service.jobs.StepFunctionsJobStarter;
import com.sandboxbroker.service.observability.ApiAction;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Admin job control (contract §3): run a job now, list the jobs' last runs, pause and resume one
 * job. A run goes through the same {@link JobLauncher} as the schedules (lock, pause, run record),
 * or, where the job has a state machine, starts an execution of it.
 */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.ADMIN)
public final class JobResource {
  /** How many recent runs {@code GET /admin/jobs} shows per job. */
  private static final int LAST_RUNS = 10;

  private final JobLauncher launcher;
  private final Map<JobName, Job> inProcessJobs;
  private final JobStore jobStore;
  private final Optional<StepFunctionsJobStarter> stepFunctions;
  private final Clock clock;

  public JobResource(
      JobLauncher launcher,
      Map<JobName, Job> inProcessJobs,
      JobStore jobStore,
      Optional<StepFunctionsJobStarter> stepFunctions,
      Clock clock) {
    this.launcher = launcher;
    this.inProcessJobs = Map.copyOf(inProcessJobs);
    this.jobStore = jobStore;
    this.stepFunctions = stepFunctions;
    this.clock = clock;
  }

  @POST
  @Path("sync")
  @ApiAction("admin_job_sync")
  @Operation(
      summary = "Run sync now",
      description = "Upstream accounts into the pool. Counts: synced, marked_stale, and more.")
  @ApiResponse(
      responseCode = "200",
      description = "Run in-process: completed, with the job's counts and duration_ms",
      content = @Content(schema = @Schema(implementation = JobCompletedResponse.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Started as a Step Functions execution",
      content = @Content(schema = @Schema(implementation = JobStartedResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "JOB_ALREADY_RUNNING, JOB_PAUSED or JOB_NOT_AVAILABLE",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "503",
      description = "UPSTREAM_UNAVAILABLE: the upstream provider failed; the job retries later",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public Response sync() {
    return run(JobName.SYNC);
  }

  @POST
  @Path("cleanup")
  @ApiAction("admin_job_cleanup")
  @Operation(
      summary = "Run cleanup now",
      description = "Delete released sandboxes upstream. Counts: deleted, failed, and more.")
  @ApiResponse(
      responseCode = "200",
      description = "Run in-process: completed, with the job's counts and duration_ms",
      content = @Content(schema = @Schema(implementation = JobCompletedResponse.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Started as a Step Functions execution",
      content = @Content(schema = @Schema(implementation = JobStartedResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "JOB_ALREADY_RUNNING, JOB_PAUSED or JOB_NOT_AVAILABLE",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "503",
      description = "UPSTREAM_UNAVAILABLE: the upstream provider failed; the job retries later",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public Response cleanup() {
    return run(JobName.CLEANUP);
  }

  @POST
  @Path("auto-expire")
  @ApiAction("admin_job_expiry")
  @Operation(
      summary = "Run expiry now",
      description =
          "Release allocations past expires_at and purge stale records. Counts: expired, purged_stale.")
  @ApiResponse(
      responseCode = "200",
      description = "Run in-process: completed, with the job's counts and duration_ms",
      content = @Content(schema = @Schema(implementation = JobCompletedResponse.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Started as a Step Functions execution",
      content = @Content(schema = @Schema(implementation = JobStartedResponse.class)))
  @ApiResponse(
      responseCode = "409",
      description = "JOB_ALREADY_RUNNING, JOB_PAUSED or JOB_NOT_AVAILABLE",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  @ApiResponse(
      responseCode = "503",
      description = "UPSTREAM_UNAVAILABLE: the upstream provider failed; the job retries later",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public Response autoExpire() {
    return run(JobName.EXPIRY);
  }

  @GET
  @Path("jobs")
  @ApiAction("admin_jobs")
  @Operation(
      summary = "Jobs and their last runs",
      description =
          "Each job: paused flag, whether a run holds its lock, how it is run here, its last runs.")
  @ApiResponse(
      responseCode = "200",
      description = "The jobs",
      content = @Content(schema = @Schema(implementation = JobsResponse.class)))
  public JobsResponse jobs() {
    long now = clock.millis();
    return new JobsResponse(
        Arrays.stream(JobName.values())
            .map(
                job ->
                    new JobStatusResponse(
                        job.wireName(),
                        jobStore.isPaused(job),
                        jobStore.isLocked(job, now),
                        stepFunctions.filter(s -> s.orchestrates(job)).isPresent()
                            ? "step-functions"
                            : "in-process",
                        jobStore.recentRuns(job, LAST_RUNS).stream()
                            .map(JobRunResponse::from)
                            .toList()))
            .toList());
  }

  @POST
  @Path("jobs/{job}/pause")
  @ApiAction("admin_job_pause")
  @Operation(
      summary = "Pause one job",
      description = "Its runs exit at once as skipped; other jobs keep running.")
  @ApiResponse(
      responseCode = "200",
      description = "Paused",
      content = @Content(schema = @Schema(implementation = JobPauseResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "JOB_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public JobPauseResponse pause(@PathParam("job") String job) {
    JobName name = jobName(job);
    jobStore.setPaused(name, true, clock.instant().getEpochSecond());
    return new JobPauseResponse(name.wireName(), true);
  }

  @POST
  @Path("jobs/{job}/resume")
  @ApiAction("admin_job_resume")
  @Operation(summary = "Resume one job", description = "Clears the job's pause flag.")
  @ApiResponse(
      responseCode = "200",
      description = "Resumed",
      content = @Content(schema = @Schema(implementation = JobPauseResponse.class)))
  @ApiResponse(
      responseCode = "404",
      description = "JOB_NOT_FOUND",
      content = @Content(schema = @Schema(implementation = ErrorResponse.class)))
  public JobPauseResponse resume(@PathParam("job") String job) {
    JobName name = jobName(job);
    jobStore.setPaused(name, false, clock.instant().getEpochSecond());
    return new JobPauseResponse(name.wireName(), false);
  }

  private Response run(JobName name) {
    if (stepFunctions.isPresent() && stepFunctions.get().orchestrates(name)) {
      if (jobStore.isPaused(name)) {
        throw pausedError(name);
      }
      if (jobStore.isLocked(name, clock.millis())) {
        throw runningError(name);
      }
      String arn = stepFunctions.get().start(name).orElseThrow();
      return Response.accepted(JobStartedResponse.started(name.wireName(), arn)).build();
    }
    Job job = inProcessJobs.get(name);
    if (job == null) {
      // the deployment's configuration, not a server fault: 409 like the other refusals here
      throw new ApiException(
          ErrorCode.JOB_NOT_AVAILABLE,
          "This deployment runs "
              + name.wireName()
              + " neither in-process nor through Step Functions");
    }
    JobRun run = launcher.launch(job, "");
    if (run.outcome() == JobOutcome.SKIPPED) {
      throw SkipReason.of(run).orElseThrow() == SkipReason.PAUSED
          ? pausedError(name)
          : runningError(name);
    }
    if (run.outcome() == JobOutcome.FAILED) {
      JobError error = run.error().orElse(JobError.JOB_FAILED);
      throw error == JobError.UPSTREAM_UNAVAILABLE
          ? new ApiException(
              ErrorCode.UPSTREAM_UNAVAILABLE,
              "The upstream provider is unavailable; the job will retry")
          : new ApiException(ErrorCode.JOB_FAILED, "The job failed; see GET /admin/jobs");
    }
    return Response.ok(JobCompletedResponse.from(run)).build();
  }

  private static ApiException runningError(JobName name) {
    return new ApiException(
        ErrorCode.JOB_ALREADY_RUNNING, "A " + name.wireName() + " run is already in progress");
  }

  private static ApiException pausedError(JobName name) {
    return new ApiException(
        ErrorCode.JOB_PAUSED, "The " + name.wireName() + " job is paused; resume it first");
  }

  private static JobName jobName(String job) {
    // the admin run endpoint is "auto-expire"; accept that spelling for the expiry job too
    String wire = "auto-expire".equals(job) ? JobName.EXPIRY.wireName() : job;
    return JobName.fromWireName(wire)
        .orElseThrow(
            () -> new ApiException(ErrorCode.JOB_NOT_FOUND, "No such job (sync, cleanup, expiry)"));
  }
}
