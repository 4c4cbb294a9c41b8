import { Injectable } from '@nestjs/common';

/** Whether this process is draining: readiness turns false first, so load balancers stop sending work. */
@Injectable()
export class LifecycleService {
  private draining = false;

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }
}
