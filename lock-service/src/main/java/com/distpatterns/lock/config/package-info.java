/** Wiring: the typed settings and the beans that connect core, infra and api. */
package com.distpatterns.lock.config;
