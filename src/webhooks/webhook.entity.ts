import { Column, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('webhook')
export class WebhookEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_webhook' })
  organizationId: string;

  @OneToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_webhook_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'character varying', length: 2000 })
  url: string;

  /** The HMAC key; kept in clear because the service must sign with it. */
  @Column({ type: 'character varying', length: 100 })
  secret: string;
}

@Entity('webhook_delivery')
@Index('idx_webhook_delivery_due', ['nextAttemptAt'], { where: 'delivered_at IS NULL' })
@Index('idx_webhook_delivery_organization', ['organizationId', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_webhook_delivery' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => WebhookEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_webhook_delivery_webhook' })
  webhook?: WebhookEntity;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  nextAttemptAt: Date;

  @Column({ type: 'timestamp with time zone', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'character varying', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamp with time zone', precision: 3, default: () => 'now()' })
  createdAt: Date;
}
