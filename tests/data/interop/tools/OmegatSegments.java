// javac -cp /usr/share/omegat/OmegaT.jar OmegatSegments.java; java -cp /usr/share/omegat/OmegaT.jar:. OmegatSegments PROJECT_DIR
// Prints every source segment of an OmegaT 3.6 project as OmegaT segments it (tags as <b0>, <t0/>...)
// and its current translation.
import java.io.File;
import java.util.*;
import org.omegat.core.Core;
import org.omegat.core.data.*;
import org.omegat.util.ProjectFileStorage;

public class OmegatSegments {
    public static void main(String[] a) throws Exception {
        Map<String,String> p = new TreeMap<String, String>(); org.omegat.filters2.master.PluginUtils.loadPlugins(p); Core.initializeConsole(p);
        ProjectProperties props = ProjectFileStorage.loadProjectProperties(new File(a[0]));
        RealProject project = new RealProject(props);
        project.loadProject(true);
        Core.setProject(project);
        for (SourceTextEntry e : project.getAllEntries()) {
            TMXEntry t = project.getTranslationInfo(e);
            System.out.println("SEG\t" + e.getSrcText() + "\t" + (t != null && t.isTranslated() ? t.translation : ""));
        }
        project.closeProject();
        System.exit(0);
    }
}
