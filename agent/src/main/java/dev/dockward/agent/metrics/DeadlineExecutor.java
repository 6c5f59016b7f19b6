package dev.dockward.agent.metrics;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP server's workers: a fixed number of threads and a bounded queue (a task that finds both
 * full is rejected, and the JDK server closes that connection), and a deadline per task. The JDK
 * server reads a request on the worker thread, from a blocking socket channel; a client that sends
 * half a request, or reads its response slowly, would hold that worker for ever. At the deadline
 * the worker is interrupted, which closes an interruptible channel it is blocked on, so the
 * exchange fails and the worker is free again.
 *
 * <p>The interrupt reaches a handler that runs past the deadline too: handlers must not block on an
 * interruptible channel they share with the rest of the agent (the interrupt would close it). Today
 * they read counters and walk the journal directory.
 */
final class DeadlineExecutor implements Executor, AutoCloseable {
  private final Duration deadline;
  private final ThreadPoolExecutor workers;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicLong expired = new AtomicLong();

  /**
   * @param threads the workers (each stalled client holds one until the deadline)
   * @param queue tasks waiting for a worker before new ones are rejected
   * @param deadline how long one task (read the request, answer, write the response) may take
   */
  DeadlineExecutor(String name, int threads, int queue, Duration deadline) {
    this.deadline = deadline;
    AtomicInteger n = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> daemon(r, name + "-" + n.incrementAndGet()),
            new ThreadPoolExecutor.AbortPolicy());
    timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-deadline"));
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void execute(Runnable command) {
    workers.execute(new Bounded(command));
  }

  /** Tasks waiting for a worker. */
  int waiting() {
    return workers.getQueue().size();
  }

  /** Tasks interrupted at their deadline. */
  long expired() {
    return expired.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A task that its worker runs only until the deadline. */
  private final class Bounded implements Runnable {
    private final Runnable task;

    /**
     * The worker while the task runs; null before and after, so a late expiry interrupts nothing.
     */
    private Thread worker;

    Bounded(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      synchronized (this) {
        worker = Thread.currentThread();
      }
      // The deadline counts from the start of the task: time queued does not use it up.
      ScheduledFuture<?> expiry =
          timer.schedule(this::expire, deadline.toNanos(), TimeUnit.NANOSECONDS);
      try {
        task.run();
      } finally {
        expiry.cancel(false);
        synchronized (this) {
          worker = null;
        }
        // An expiry that came as the task ended must not reach the worker's next task.
        Thread.interrupted();
      }
    }

    private synchronized void expire() {
      if (worker != null) {
        expired.incrementAndGet();
        worker.interrupt();
      }
    }
  }
}
