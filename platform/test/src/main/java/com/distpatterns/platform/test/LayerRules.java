package com.distpatterns.platform.test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The layering every service keeps (DESIGN.md, "package by layer"): {@code api} (HTTP, messages in),
 * {@code infra} (Redis, RabbitMQ, disk, other services) and {@code config} (wiring) point at {@code core}; {@code core}
 * points at none of them, so the rules of a service read and test without its transport or storage. Checked on the
 * compiled classes of the service's own package, tests left out.
 */
public final class LayerRules {

    private LayerRules() {}

    /**
     * The service's production classes: those compiled beside {@code application} (its module's classes directory or
     * jar). Importing by package name instead scans every jar on the test class path, 10 to 30 s per module.
     */
    public static JavaClasses classesOf(Class<?> application) {
        // The rules are about names of packages: the classes a service refers to need not be read themselves.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        try {
            Path location = Path.of(application.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPath(location);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("where " + application.getName() + " was loaded from", e);
        }
    }

    /** {@code core} depends on no {@code api}, {@code infra} or {@code config} class of the service. */
    public static ArchRule coreDependsOnNoOuterLayer(Class<?> application) {
        String root = application.getPackageName();
        return noClasses().that().resideInAPackage(root + ".core..")
                .should().dependOnClassesThat()
                .resideInAnyPackage(root + ".api..", root + ".infra..", root + ".config..")
                .as("core depends on no api, infra or config class of " + root)
                .because("api, infra and config point at core, never back");
    }
}
