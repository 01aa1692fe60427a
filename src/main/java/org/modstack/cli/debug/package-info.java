/**
 * The test harness's commands ({@code kernel scenario}), kept apart from the user commands. Not an API.
 */
package org.modstack.cli.debug;
