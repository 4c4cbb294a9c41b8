import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@app/config';
import type { ServerInfo } from './server-info.model';

@Injectable()
export class ServerInfoService {
  private readonly info: ServerInfo = {
    version: (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version,
    startedAt: new Date(),
  };

  /** The running server's version and start time. */
  current(): ServerInfo {
    return this.info;
  }
}
