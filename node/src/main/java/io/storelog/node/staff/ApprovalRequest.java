package io.storelog.node.staff;

/** A supervisor's approval as given at the lane: their staff id and PIN. */
public record ApprovalRequest(String supervisor, String pin) {
}
