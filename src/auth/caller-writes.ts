import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ClusterLink } from '../cluster/cluster-link.js';
import { Database } from '../database/database.js';

const CALLER_WRITE = 'caller-write';

interface CallerWrite {
  caller: string;
  phase: 'begin' | 'end';
}

/**
 * Read-your-writes across the workers of a cluster: a caller's write under way, and its end, are noted
 * in every worker's replica router (src/database/replica-router.ts), not only in the one that took the
 * write, so the caller's next read is routed as if it reached that worker. The begin goes out when the
 * write is authenticated, before it runs; the caller sends its next request only after the write's
 * answer, so another worker has the begin by then unless IPC is slower than a commit (it is not).
 * Each worker puts the end on its own next WAL sample, which starts after it heard of the end.
 */
@Injectable()
export class CallerWrites implements OnModuleDestroy {
  private readonly stopListening: () => void;

  constructor(
    private readonly cluster: ClusterLink,
    private readonly database: Database,
  ) {
    this.stopListening = cluster.subscribe(CALLER_WRITE, (payload) => this.apply(payload as CallerWrite));
  }

  /** A write by `caller` begins here: in this worker at once, in the others through the cluster's primary. */
  begin(caller: string): void {
    this.cluster.publish(CALLER_WRITE, { caller, phase: 'begin' } satisfies CallerWrite);
  }

  /** Its answer is out. */
  end(caller: string): void {
    this.cluster.publish(CALLER_WRITE, { caller, phase: 'end' } satisfies CallerWrite);
  }

  onModuleDestroy(): void {
    this.stopListening();
  }

  private apply({ caller, phase }: CallerWrite): void {
    if (phase === 'begin') this.database.replicas.beginWrite(caller);
    else this.database.replicas.endWrite(caller);
  }
}
