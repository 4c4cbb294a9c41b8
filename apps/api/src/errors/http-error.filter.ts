import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeError } from './describe-error';

/**
 * Turns any error on a plain HTTP route into `{ error: { code, message, requestId } }`.
 * GraphQL errors are left to the GraphQL error formatter (same mapping).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = request.id;
    const described = describeError(exception, requestId);
    if (described.unexpected) this.logger.error({ err: exception, requestId }, 'unexpected error on an HTTP route');
    // A refused upload whose body was not read: close the connection after answering rather than
    // wait for (or read) bytes nobody wants.
    if (!request.raw.complete) void reply.header('connection', 'close');
    void reply.status(described.httpStatus).send({
      error: { code: described.code, reason: described.reason, message: described.message, details: described.details, requestId },
    });
    return undefined;
  }
}
