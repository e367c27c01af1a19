package com.distpatterns.platform.service;

/** Tells a Lua script that failed to run (a bug here) from the store refusing or failing (an outage). */
public final class ScriptErrors {

    private ScriptErrors() {}

    /** Whether Redis reported an error raised inside a script or while compiling it, anywhere in the cause chain. */
    public static boolean isScriptError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("user_script") || message.contains("Error running script")
                    || message.contains("Error compiling script"))) {
                return true;
            }
        }
        return false;
    }
}
