package org.modstack.util;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that follows one upstream function step for step (a kernel or libkmod parser),
 * so that it can be read side by side with it. Such a method keeps the upstream function's
 * shape, and may be longer than the project's other methods.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Mirrors {
    /** The upstream function, as {@code project/path/file.c function_name}. */
    String value();
}
