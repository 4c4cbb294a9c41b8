import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Whether a certificate document is one this platform issued, unchanged and not revoked.' })
export class CertificateCheck {
  @Field()
  valid!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it is not valid, in words (null when valid).' })
  reason!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Why it is not valid, as a code: MALFORMED, UNSUPPORTED_ALGORITHM, UNKNOWN_KEY, PUBLIC_KEY_MISMATCH, SIGNATURE_MALFORMED, SIGNATURE_MISMATCH, UNKNOWN_CERTIFICATE, TEXT_MISMATCH, REVOKED.',
  })
  code!: string | null;

  @Field(() => ID, { nullable: true, description: 'The certificate checked, once its signature holds.' })
  certificateId!: string | null;
}
