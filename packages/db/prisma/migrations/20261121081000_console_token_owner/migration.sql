-- Console tokens name the compute host the instance was on when they were issued (the check
-- refuses a token once the instance is elsewhere) and who asked for them (the proxy's session log).
-- Tokens live for minutes and none were issued before this migration: drop any, so the new
-- required column needs no made-up default.
DELETE FROM `console_auth_tokens`;

ALTER TABLE `console_auth_tokens`
    ADD COLUMN `compute_host` VARCHAR(255) NOT NULL AFTER `instance_uuid`,
    ADD COLUMN `user_id` CHAR(32) NULL AFTER `compute_host`,
    ADD COLUMN `project_id` CHAR(32) NULL AFTER `user_id`;
