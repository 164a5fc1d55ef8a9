-- CreateTable
CREATE TABLE `projects` (
    `id` CHAR(32) NOT NULL,
    `domain_id` VARCHAR(64) NOT NULL DEFAULT 'default',
    `name` VARCHAR(64) NOT NULL,
    `description` TEXT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `projects_domain_id_name_key`(`domain_id`, `name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `users` (
    `id` CHAR(32) NOT NULL,
    `domain_id` VARCHAR(64) NOT NULL DEFAULT 'default',
    `name` VARCHAR(255) NOT NULL,
    `password_hash` VARCHAR(255) NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `default_project_id` CHAR(32) NULL,
    `email` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `users_domain_id_name_key`(`domain_id`, `name`),
    INDEX `users_default_project_id_idx`(`default_project_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `roles` (
    `id` CHAR(32) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `roles_name_key`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `role_assignments` (
    `user_id` CHAR(32) NOT NULL,
    `project_id` CHAR(32) NOT NULL,
    `role_id` CHAR(32) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `role_assignments_project_id_idx`(`project_id`),
    INDEX `role_assignments_role_id_idx`(`role_id`),
    PRIMARY KEY (`user_id`, `project_id`, `role_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `identity_tokens` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `token_hash` CHAR(64) NOT NULL,
    `user_id` CHAR(32) NOT NULL,
    `project_id` CHAR(32) NULL,
    `methods` JSON NOT NULL,
    `issued_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `revoked_at` DATETIME(3) NULL,
    `audit_id` VARCHAR(32) NOT NULL,

    UNIQUE INDEX `identity_tokens_token_hash_key`(`token_hash`),
    INDEX `identity_tokens_expires_at_idx`(`expires_at`),
    INDEX `identity_tokens_user_id_idx`(`user_id`),
    INDEX `identity_tokens_project_id_idx`(`project_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `services` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `uuid` CHAR(36) NOT NULL,
    `host` VARCHAR(255) NOT NULL,
    `binary` VARCHAR(255) NOT NULL,
    `topic` VARCHAR(255) NULL,
    `disabled` BOOLEAN NOT NULL DEFAULT false,
    `disabled_reason` VARCHAR(255) NULL,
    `forced_down` BOOLEAN NOT NULL DEFAULT false,
    `last_seen_up` DATETIME(3) NULL,
    `report_count` INTEGER NOT NULL DEFAULT 0,
    `version` INTEGER NOT NULL DEFAULT 0,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,
    `deleted` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `services_uuid_key`(`uuid`),
    UNIQUE INDEX `services_host_binary_deleted_key`(`host`, `binary`, `deleted`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `compute_nodes` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `uuid` CHAR(36) NOT NULL,
    `service_id` INTEGER NULL,
    `host` VARCHAR(255) NOT NULL,
    `hypervisor_hostname` VARCHAR(255) NOT NULL,
    `hypervisor_type` VARCHAR(255) NOT NULL,
    `hypervisor_version` INTEGER NOT NULL,
    `host_ip` VARCHAR(39) NULL,
    `vcpus` INTEGER NOT NULL,
    `memory_mb` INTEGER NOT NULL,
    `local_gb` INTEGER NOT NULL,
    `vcpus_used` INTEGER NOT NULL DEFAULT 0,
    `memory_mb_used` INTEGER NOT NULL DEFAULT 0,
    `local_gb_used` INTEGER NOT NULL DEFAULT 0,
    `free_disk_gb` INTEGER NOT NULL DEFAULT 0,
    `running_vms` INTEGER NOT NULL DEFAULT 0,
    `cpu_allocation_ratio` DOUBLE NOT NULL DEFAULT 16.0,
    `ram_allocation_ratio` DOUBLE NOT NULL DEFAULT 1.5,
    `disk_allocation_ratio` DOUBLE NOT NULL DEFAULT 1.0,
    `cpu_info` JSON NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,
    `deleted` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `compute_nodes_uuid_key`(`uuid`),
    UNIQUE INDEX `compute_nodes_host_hypervisor_hostname_deleted_key`(`host`, `hypervisor_hostname`, `deleted`),
    INDEX `compute_nodes_service_id_idx`(`service_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `allocations` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `instance_uuid` CHAR(36) NOT NULL,
    `compute_node_id` INTEGER NOT NULL,
    `vcpus` INTEGER NOT NULL,
    `memory_mb` INTEGER NOT NULL,
    `disk_gb` INTEGER NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `allocations_instance_uuid_key`(`instance_uuid`),
    INDEX `allocations_compute_node_id_idx`(`compute_node_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `flavors` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `flavorid` VARCHAR(255) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `memory_mb` INTEGER NOT NULL,
    `vcpus` INTEGER NOT NULL,
    `root_gb` INTEGER NOT NULL,
    `ephemeral_gb` INTEGER NOT NULL DEFAULT 0,
    `swap` INTEGER NOT NULL DEFAULT 0,
    `rxtx_factor` DOUBLE NOT NULL DEFAULT 1.0,
    `is_public` BOOLEAN NOT NULL DEFAULT true,
    `disabled` BOOLEAN NOT NULL DEFAULT false,
    `description` TEXT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `flavors_flavorid_key`(`flavorid`),
    UNIQUE INDEX `flavors_name_key`(`name`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `flavor_extra_specs` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `flavor_id` INTEGER NOT NULL,
    `key` VARCHAR(255) NOT NULL,
    `value` VARCHAR(255) NOT NULL,

    UNIQUE INDEX `flavor_extra_specs_flavor_id_key_key`(`flavor_id`, `key`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `flavor_projects` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `flavor_id` INTEGER NOT NULL,
    `project_id` CHAR(32) NOT NULL,

    UNIQUE INDEX `flavor_projects_flavor_id_project_id_key`(`flavor_id`, `project_id`),
    INDEX `flavor_projects_project_id_idx`(`project_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `quotas` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `project_id` CHAR(32) NOT NULL,
    `resource` VARCHAR(255) NOT NULL,
    `hard_limit` INTEGER NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `quotas_project_id_resource_key`(`project_id`, `resource`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `quota_classes` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `class_name` VARCHAR(255) NOT NULL,
    `resource` VARCHAR(255) NOT NULL,
    `hard_limit` INTEGER NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `quota_classes_class_name_resource_key`(`class_name`, `resource`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `project_quota_locks` (
    `project_id` CHAR(32) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`project_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `images` (
    `id` CHAR(36) NOT NULL,
    `name` VARCHAR(255) NULL,
    `status` VARCHAR(30) NOT NULL DEFAULT 'queued',
    `visibility` VARCHAR(20) NOT NULL DEFAULT 'shared',
    `owner` CHAR(32) NULL,
    `disk_format` VARCHAR(20) NULL,
    `container_format` VARCHAR(20) NULL,
    `size` BIGINT NULL,
    `virtual_size` BIGINT NULL,
    `checksum` CHAR(32) NULL,
    `os_hash_algo` VARCHAR(64) NULL,
    `os_hash_value` VARCHAR(128) NULL,
    `min_disk` INTEGER NOT NULL DEFAULT 0,
    `min_ram` INTEGER NOT NULL DEFAULT 0,
    `protected` BOOLEAN NOT NULL DEFAULT false,
    `location` TEXT NULL,
    `properties` JSON NOT NULL,
    `tags` JSON NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,

    INDEX `images_name_idx`(`name`),
    INDEX `images_owner_idx`(`owner`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `instances` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `uuid` CHAR(36) NOT NULL,
    `project_id` CHAR(32) NOT NULL,
    `user_id` CHAR(32) NOT NULL,
    `display_name` VARCHAR(255) NULL,
    `hostname` VARCHAR(255) NULL,
    `description` TEXT NULL,
    `flavor` JSON NOT NULL,
    `memory_mb` INTEGER NOT NULL,
    `vcpus` INTEGER NOT NULL,
    `root_gb` INTEGER NOT NULL,
    `ephemeral_gb` INTEGER NOT NULL,
    `old_flavor` JSON NULL,
    `new_flavor` JSON NULL,
    `image_ref` VARCHAR(255) NULL,
    `host` VARCHAR(255) NULL,
    `node` VARCHAR(255) NULL,
    `availability_zone` VARCHAR(255) NULL,
    `vm_state` VARCHAR(64) NOT NULL,
    `task_state` VARCHAR(64) NULL,
    `power_state` INTEGER NOT NULL DEFAULT 0,
    `launched_at` DATETIME(3) NULL,
    `terminated_at` DATETIME(3) NULL,
    `metadata` JSON NOT NULL,
    `key_name` VARCHAR(255) NULL,
    `key_data` TEXT NULL,
    `user_data` MEDIUMTEXT NULL,
    `locked` BOOLEAN NOT NULL DEFAULT false,
    `locked_by` VARCHAR(16) NULL,
    `launch_index` INTEGER NOT NULL DEFAULT 0,
    `reservation_id` VARCHAR(64) NOT NULL,
    `progress` INTEGER NULL,
    `access_ip_v4` VARCHAR(39) NULL,
    `access_ip_v6` VARCHAR(39) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,
    `deleted` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `instances_uuid_key`(`uuid`),
    INDEX `instances_project_id_deleted_created_at_id_idx`(`project_id`, `deleted`, `created_at`, `id`),
    INDEX `instances_host_deleted_idx`(`host`, `deleted`),
    INDEX `instances_vm_state_idx`(`vm_state`),
    INDEX `instances_updated_at_idx`(`updated_at`),
    INDEX `instances_reservation_id_idx`(`reservation_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `request_specs` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `instance_uuid` CHAR(36) NOT NULL,
    `spec` JSON NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `request_specs_instance_uuid_key`(`instance_uuid`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `instance_faults` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `instance_uuid` CHAR(36) NOT NULL,
    `code` INTEGER NOT NULL,
    `message` VARCHAR(255) NOT NULL,
    `details` MEDIUMTEXT NULL,
    `host` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `instance_faults_instance_uuid_created_at_idx`(`instance_uuid`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `instance_actions` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `action` VARCHAR(255) NOT NULL,
    `instance_uuid` CHAR(36) NOT NULL,
    `request_id` VARCHAR(255) NOT NULL,
    `user_id` CHAR(32) NULL,
    `project_id` CHAR(32) NULL,
    `start_time` DATETIME(3) NOT NULL,
    `finish_time` DATETIME(3) NULL,
    `message` VARCHAR(255) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `instance_actions_instance_uuid_request_id_key`(`instance_uuid`, `request_id`),
    INDEX `instance_actions_instance_uuid_created_at_idx`(`instance_uuid`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `instance_action_events` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `action_id` INTEGER NOT NULL,
    `event` VARCHAR(255) NOT NULL,
    `start_time` DATETIME(3) NOT NULL,
    `finish_time` DATETIME(3) NULL,
    `result` VARCHAR(255) NULL,
    `traceback` TEXT NULL,
    `host` VARCHAR(255) NULL,
    `details` TEXT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    INDEX `instance_action_events_action_id_idx`(`action_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `key_pairs` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(255) NOT NULL,
    `user_id` CHAR(32) NOT NULL,
    `project_id` CHAR(32) NULL,
    `fingerprint` VARCHAR(255) NOT NULL,
    `public_key` TEXT NOT NULL,
    `type` VARCHAR(10) NOT NULL DEFAULT 'ssh',
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `deleted_at` DATETIME(3) NULL,
    `deleted` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `key_pairs_user_id_name_deleted_key`(`user_id`, `name`, `deleted`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `server_groups` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `uuid` CHAR(36) NOT NULL,
    `name` VARCHAR(255) NOT NULL,
    `project_id` CHAR(32) NOT NULL,
    `user_id` CHAR(32) NOT NULL,
    `policy` VARCHAR(32) NOT NULL,
    `rules` JSON NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `deleted_at` DATETIME(3) NULL,
    `deleted` INTEGER NOT NULL DEFAULT 0,

    UNIQUE INDEX `server_groups_uuid_key`(`uuid`),
    INDEX `server_groups_project_id_deleted_idx`(`project_id`, `deleted`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `server_group_members` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `group_id` INTEGER NOT NULL,
    `instance_uuid` CHAR(36) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `server_group_members_instance_uuid_key`(`instance_uuid`),
    INDEX `server_group_members_group_id_idx`(`group_id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `console_auth_tokens` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `token_hash` CHAR(64) NOT NULL,
    `console_type` VARCHAR(255) NOT NULL,
    `host` VARCHAR(255) NOT NULL,
    `port` INTEGER NOT NULL,
    `internal_access_path` VARCHAR(255) NULL,
    `instance_uuid` CHAR(36) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    UNIQUE INDEX `console_auth_tokens_token_hash_key`(`token_hash`),
    INDEX `console_auth_tokens_instance_uuid_idx`(`instance_uuid`),
    INDEX `console_auth_tokens_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `processed_messages` (
    `message_id` VARCHAR(128) NOT NULL,
    `handled_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `processed_messages_handled_at_idx`(`handled_at`),
    PRIMARY KEY (`message_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `users` ADD CONSTRAINT `users_default_project_id_fkey` FOREIGN KEY (`default_project_id`) REFERENCES `projects`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `role_assignments` ADD CONSTRAINT `role_assignments_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `role_assignments` ADD CONSTRAINT `role_assignments_project_id_fkey` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `role_assignments` ADD CONSTRAINT `role_assignments_role_id_fkey` FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `identity_tokens` ADD CONSTRAINT `identity_tokens_user_id_fkey` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `identity_tokens` ADD CONSTRAINT `identity_tokens_project_id_fkey` FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `compute_nodes` ADD CONSTRAINT `compute_nodes_service_id_fkey` FOREIGN KEY (`service_id`) REFERENCES `services`(`id`) ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `allocations` ADD CONSTRAINT `allocations_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `allocations` ADD CONSTRAINT `allocations_compute_node_id_fkey` FOREIGN KEY (`compute_node_id`) REFERENCES `compute_nodes`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `flavor_extra_specs` ADD CONSTRAINT `flavor_extra_specs_flavor_id_fkey` FOREIGN KEY (`flavor_id`) REFERENCES `flavors`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `flavor_projects` ADD CONSTRAINT `flavor_projects_flavor_id_fkey` FOREIGN KEY (`flavor_id`) REFERENCES `flavors`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `request_specs` ADD CONSTRAINT `request_specs_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `instance_faults` ADD CONSTRAINT `instance_faults_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `instance_actions` ADD CONSTRAINT `instance_actions_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `instance_action_events` ADD CONSTRAINT `instance_action_events_action_id_fkey` FOREIGN KEY (`action_id`) REFERENCES `instance_actions`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `server_group_members` ADD CONSTRAINT `server_group_members_group_id_fkey` FOREIGN KEY (`group_id`) REFERENCES `server_groups`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `server_group_members` ADD CONSTRAINT `server_group_members_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `console_auth_tokens` ADD CONSTRAINT `console_auth_tokens_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances`(`uuid`) ON DELETE CASCADE ON UPDATE CASCADE;
